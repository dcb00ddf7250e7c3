import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { topology } from "../../../topology.js";
import { banner } from "./banner.js";
import { freePort, isPortFree } from "./ports.js";
import { serviceEnv } from "./service-env.js";

describe("topology", () => {
  it("lists every service folder once, with distinct ports", () => {
    const names = topology.services.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    const ports = [...topology.services.map((s) => s.port), topology.console.port];
    expect(new Set(ports).size).toBe(ports.length);
    expect(topology.services.every((s) => s.package === `@bazaar/${s.name}`)).toBe(true);
  });
});

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
  it("shows where everything is and how to log in", () => {
    const text = banner({
      mode: "processes",
      natsUrl: "nats://127.0.0.1:4222",
      natsReused: false,
      natsContext: "ctx",
      gatewayUrl: "http://127.0.0.1:3000",
      consoleUrl: "http://127.0.0.1:3100",
      admin: { email: "admin@bazaar.local", password: "bazaar-admin-dev" },
      customer: { email: "customer@bazaar.local", password: "bazaar-customer-dev" },
    });
    for (const part of [
      "http://127.0.0.1:3000/docs",
      "http://127.0.0.1:3100",
      "admin@bazaar.local / bazaar-admin-dev",
      "pnpm demo",
      "ctx",
    ]) {
      expect(text).toContain(part);
    }
  });
});
