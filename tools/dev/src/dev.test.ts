import { createServer } from "node:net";
import { freePort, isPortFree } from "@bazaar/testing";
import { describe, expect, it } from "vitest";
import { banner } from "./banner.js";
import { DEV_RATE_LIMITS, devGatewayEnv } from "./dev-limits.js";
import { serviceEnv } from "./service-env.js";

describe("ports", () => {
  it("tells a taken port from a free one", async () => {
    const port = await freePort();
    expect(await isPortFree(port)).toBe(true);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
    try {
      expect(await isPortFree(port)).toBe(false);
    } finally {
      server.close();
    }
  });
});

describe("serviceEnv", () => {
  it("gives each service its port, data file and broker, the same in both modes", () => {
    const env = serviceEnv({
      name: "orders",
      port: 3105,
      natsUrl: "nats://x:1",
      dataDir: "/d",
      nodeEnv: "development",
      extra: { A: "1" },
      own: { A: "2" },
    });
    expect(env).toMatchObject({
      PORT: "3105",
      NATS_URL: "nats://x:1",
      DATA_DIR: "/d",
      DB_FILE: "/d/orders.db",
      NODE_ENV: "development",
      A: "2",
    });
  });
});

describe("banner", () => {
  it("names no API when the gateway is not among --only", () => {
    const text = banner({
      mode: "processes",
      services: [{ name: "inventory", port: 3102, role: "Catalogue" }],
      natsUrl: "nats://127.0.0.1:4222",
      natsReused: true,
      natsContext: "ctx",
      gatewayUrl: undefined,
      consoleUrl: undefined,
      traces: "off (--no-traces)",
      authLimit: "1000",
      admin: { email: "a", password: "b" },
      customer: { email: "c", password: "d" },
    });
    expect(text).toContain("the gateway is not among --only");
    expect(text).toContain("(already running, reused)");
    expect(text).not.toContain("gateway        :");
  });

  it("shows where everything is and how to log in", () => {
    const text = banner({
      mode: "processes",
      services: [{ name: "orders", port: 3205, role: "Places orders" }],
      natsUrl: "nats://127.0.0.1:4222",
      natsReused: false,
      natsContext: "ctx",
      gatewayUrl: "http://127.0.0.1:3000",
      consoleUrl: "http://127.0.0.1:3100",
      traces: "http://127.0.0.1:9411/zipkin/",
      authLimit: "1000",
      admin: { email: "admin@bazaar.local", password: "bazaar-admin-dev" },
      customer: { email: "customer@bazaar.local", password: "bazaar-customer-dev" },
    });
    for (const part of [
      "http://127.0.0.1:3000/docs",
      "http://127.0.0.1:3100",
      "admin@bazaar.local / bazaar-admin-dev",
      "pnpm demo",
      "ctx",
      // The ports it really runs on, and what it does for the user.
      "orders         :3205  Places orders",
      "a service that crashes is restarted (after 1 s, doubling to 30 s)",
      "1000 auth requests a minute",
    ]) {
      expect(text).toContain(part);
    }
  });
});

describe("development rate limits", () => {
  it("are generous for the auth routes, and a variable set by the user wins", () => {
    expect(devGatewayEnv({})).toEqual(DEV_RATE_LIMITS);
    expect(Number(devGatewayEnv({}).RATE_LIMIT_AUTH)).toBeGreaterThanOrEqual(1000);
    expect(devGatewayEnv({ RATE_LIMIT_AUTH: "5" }).RATE_LIMIT_AUTH).toBe("5");
  });
});
