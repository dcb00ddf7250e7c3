import { existsSync } from "node:fs";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNatsCli } from "./nats-cli.js";
import { startTestNats, type TestNats } from "./nats-server.js";

describe("startTestNats", () => {
  let nats: TestNats;
  beforeAll(async () => {
    nats = await startTestNats();
  });
  afterAll(async () => {
    await nats.dispose();
  });

  it("runs the pinned nats-server with JetStream on a random port", async () => {
    expect(nats.port).toBeGreaterThan(0);
    expect(nats.version).toBe("2.15.2");
    const nc = await connect({ servers: nats.url });
    const jsm = await jetstreamManager(nc);
    const info = await jsm.getAccountInfo();
    expect(info.streams).toBe(0);
    await nc.close();
  });

  it("keeps streams across kill and restart on the same port and store", async () => {
    const nc = await connect({ servers: nats.url, maxReconnectAttempts: -1, reconnectTimeWait: 50 });
    const jsm = await jetstreamManager(nc);
    await jsm.streams.add({ name: "KEEP", subjects: ["keep.>"] });
    await nc.close();

    await nats.kill();
    expect(nats.running).toBe(false);
    const refused = await connect({ servers: nats.url, maxReconnectAttempts: 0 }).catch(
      (err: unknown) => err,
    );
    expect(refused).toBeInstanceOf(Error);

    await nats.restart();
    expect(nats.running).toBe(true);
    const again = await connect({ servers: nats.url });
    const names = await (await jetstreamManager(again)).streams.names().next();
    expect(names).toContain("KEEP");
    await again.close();
  });

  it("runs the real nats CLI against the test server", async () => {
    const check = await runNatsCli(["server", "check", "connection"], { url: nats.url });
    expect(check.code, check.stderr).toBe(0);
    expect(check.stdout).toMatch(/OK Connection/);
    const ls = await runNatsCli(["stream", "ls", "--names"], { url: nats.url });
    expect(ls.code, ls.stderr).toBe(0);
    expect(ls.stdout).toContain("KEEP");
  });
});

describe("dispose", () => {
  it("stops the server and removes its store, also via await using", async () => {
    let storeDir = "";
    let url = "";
    {
      await using nats = await startTestNats();
      storeDir = nats.storeDir;
      url = nats.url;
      expect(existsSync(storeDir)).toBe(true);
    }
    expect(existsSync(storeDir)).toBe(false);
    const refused = await connect({ servers: url, maxReconnectAttempts: 0 }).catch((err: unknown) => err);
    expect(refused).toBeInstanceOf(Error);
  });
});
