import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Problem } from "./http/problem-schema.js";
import { startSystem, type TestSystem } from "./test-support/system.js";

// Two trusted proxies in front (an edge load balancer, then an ingress at 10.0.0.1): the client is the second
// X-Forwarded-For entry from the right, whatever the client put before it.
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({
    services: ["users"],
    gatewayEnv: {
      TRUST_PROXY: "2",
      RATE_LIMIT_AUTH: "4",
      LOGIN_FREE_FAILURES: "2",
      LOGIN_DELAY_BASE_MS: "1500",
    },
  });
});

afterAll(async () => {
  await sys?.dispose();
});

/** A login from `ip`, as the proxies forward it (the client may claim anything left of their entries). */
const login = (email: string, password: string, ip: string, claimed = "") =>
  sys.api.post(
    "/api/auth/login",
    { email, password },
    { headers: { "x-forwarded-for": `${claimed ? `${claimed}, ` : ""}${ip}, 10.0.0.1` } },
  );

describe("logins per account", () => {
  it("makes an account wait after a few failed attempts, from any address, and then lets the right password in", async () => {
    const { email } = await sys.newCustomer("Guessed");
    expect((await login(email, "wrong-1", "198.51.100.1")).status).toBe(401);
    expect((await login(email, "wrong-2", "198.51.100.2")).status).toBe(401);
    // Past the free failures: this failure starts the wait.
    expect((await login(email, "wrong-3", "198.51.100.3")).status).toBe(401);
    // During the wait even the right password is refused unread, from a fresh address too.
    const waiting = await login(email, "a-long-password", "198.51.100.4");
    expect(waiting.status).toBe(429);
    expect(v.parse(Problem, waiting.body).code).toBe("RATE_LIMITED");
    expect(waiting.headers.get("content-type")).toBe("application/problem+json");
    expect(Number(waiting.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(waiting.text).not.toContain(email);
    // Another account is not affected.
    const other = await sys.newCustomer("Bystander");
    expect((await login(other.email, "a-long-password", "198.51.100.4")).status).toBe(200);
    // Once the wait is over the right password works, and clears the failures.
    await new Promise((r) => setTimeout(r, 1600));
    expect((await login(email, "a-long-password", "198.51.100.5")).status).toBe(200);
    expect((await login(email, "wrong-4", "198.51.100.5")).status).toBe(401);
    expect((await login(email, "wrong-5", "198.51.100.6")).status).toBe(401);
  });

  it("doubles the wait with each further failure", async () => {
    const { email } = await sys.newCustomer("Doubled");
    for (const ip of ["203.0.113.1", "203.0.113.2", "203.0.113.3"])
      expect((await login(email, "wrong", ip)).status).toBe(401);
    const first = Number((await login(email, "wrong", "203.0.113.4")).headers.get("retry-after"));
    await new Promise((r) => setTimeout(r, first * 1000 + 100));
    expect((await login(email, "wrong", "203.0.113.5")).status).toBe(401);
    const second = Number((await login(email, "wrong", "203.0.113.6")).headers.get("retry-after"));
    expect(first).toBe(2);
    expect(second).toBe(3);
  });
});

describe("logins per client address", () => {
  it("spends the address's budget on failures only: successful logins give theirs back", async () => {
    const { email } = await sys.newCustomer("Office");
    for (let i = 0; i < 8; i++) {
      const ok = await login(email, "a-long-password", "192.0.2.10");
      expect(ok.status, `login ${i + 1}`).toBe(200);
      expect(ok.headers.get("ratelimit")).toMatch(/^limit=4, remaining=4, /);
    }
    // Four failures of different accounts (none waits yet) use up the address's budget.
    for (let i = 0; i < 4; i++)
      expect((await login(`nobody-${i}@bazaar.test`, "x", "192.0.2.10")).status).toBe(401);
    expect((await login(email, "a-long-password", "192.0.2.10")).status).toBe(429);
  });

  it("keys the budget on what the outermost trusted proxy saw, not on what the client claims", async () => {
    for (let i = 0; i < 4; i++)
      expect((await login(`claim-${i}@bazaar.test`, "x", "192.0.2.20", `10.9.9.${i}`)).status).toBe(401);
    // A new claim each time changes nothing: the proxy's entry is the key.
    const refused = await login("claim-5@bazaar.test", "x", "192.0.2.20", "10.9.9.99");
    expect(refused.status).toBe(429);
    // A different client behind the same proxy has its own budget.
    expect((await login("claim-6@bazaar.test", "x", "192.0.2.21", "192.0.2.20")).status).toBe(401);
  });
});
