import { describe, expect, it } from "vitest";
import { natsConfig } from "./nats-node.js";

const authorization =
  'authorization {\n  users: [ { user: "operator", password: $NATS_PASSWORD_OPERATOR } ]\n}\n';
const base = { bin: "nats-server", name: "n1", port: 4333, dir: "/x", logDir: "/l", authorization, env: {} };

describe("natsConfig", () => {
  it("fsyncs every JetStream write and enforces the broker's users", () => {
    const text = natsConfig(base);
    expect(text).toContain("sync_interval: always");
    expect(text).toContain('store_dir: "/x/jetstream"');
    expect(text).toContain(authorization);
    expect(text).not.toContain("cluster");
  });

  it("takes a longer sync_interval when asked (the benchmarks' less durable variant)", () => {
    expect(natsConfig({ ...base, syncInterval: "2m" })).toContain("sync_interval: 2m");
  });

  it("routes a cluster node to every node", () => {
    const text = natsConfig({ ...base, cluster: { port: 6222, routes: [6222, 6223, 6224] } });
    expect(text).toContain('listen: "127.0.0.1:6222"');
    expect(text).toContain(
      'routes: ["nats-route://127.0.0.1:6222", "nats-route://127.0.0.1:6223", "nats-route://127.0.0.1:6224"]',
    );
  });
});
