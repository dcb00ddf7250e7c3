import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSystem, type TestSystem } from "./test-support/system.js";

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({
    services: ["users", "inventory"],
    gatewayEnv: {
      RATE_LIMIT_ANONYMOUS: "120",
      RATE_LIMIT_AUTH: "10",
      RATE_LIMIT_USER: "300",
      GATEWAY_REPLICAS: "3",
    },
  });
});

afterAll(async () => {
  await sys?.dispose();
});

describe("a gateway that is one of several replicas", () => {
  it("holds its share of every limit: the limit divided by the replicas, rounded up", async () => {
    const anonymous = await sys.api.get("/api/products/MUG-001");
    expect(anonymous.status).toBe(200);
    expect(anonymous.headers.get("ratelimit-policy")).toBe("40;w=60");
    const auth = await sys.api.post(
      "/api/auth/login",
      JSON.stringify({ email: "x@example.com", password: "p" }),
      {
        headers: { "content-type": "application/json" },
      },
    );
    expect(auth.headers.get("ratelimit-policy")).toBe("4;w=60");
  });
});
