import { existsSync } from "node:fs";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, usernamePasswordAuthenticator } from "@nats-io/transport-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runNatsCli } from "./nats-cli.js";
import { startTestNats, type TestNats, testBrokerCredentials } from "./nats-server.js";

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

describe("broker identities", () => {
  it("enforces the permissions: each service has its user, and a test's own connection is the operator", async () => {
    await using nats = await startTestNats();
    const orders = nats.credentialsFor("orders");
    expect(orders?.user).toBe("orders");
    expect(testBrokerCredentials(nats.url)).toBe(nats.credentials);
    const asOrders = await connect({
      servers: nats.url,
      authenticator: usernamePasswordAuthenticator(orders?.user ?? "", orders?.password ?? ""),
      inboxPrefix: "_INBOX_orders",
    });
    // orders may not list every stream; the anonymous test connection (the operator) may.
    await expect((await jetstreamManager(asOrders, { timeout: 2000 })).streams.list().next()).rejects.toThrow(
      /Permissions Violation/,
    );
    await asOrders.close();
    const test = await connect({ servers: nats.url });
    expect(await (await jetstreamManager(test)).streams.list().next()).toEqual([]);
    await test.close();
    // The same users after a restart.
    await nats.restart();
    const again = await connect({
      servers: nats.url,
      authenticator: usernamePasswordAuthenticator(orders?.user ?? "", orders?.password ?? ""),
    });
    await again.close();
  });

  it("refuses anonymous connections when told to, and is open with permissions off", async () => {
    {
      await using strict = await startTestNats({ anonymous: "refused" });
      await expect(connect({ servers: strict.url, maxReconnectAttempts: 0 })).rejects.toThrow(
        /Authorization Violation/,
      );
    }
    await using open = await startTestNats({ permissions: false });
    expect(open.credentials).toBeUndefined();
    expect(open.credentialsFor("orders")).toBeUndefined();
    expect(testBrokerCredentials(open.url)).toBeUndefined();
    const anyone = await connect({ servers: open.url });
    await anyone.close();
  });
});
