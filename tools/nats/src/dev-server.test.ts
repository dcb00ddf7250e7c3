import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsServer } from "./binaries.js";
import { PortInUseError, startDevNats } from "./dev-server.js";
import { probeNats } from "./probe.js";
import { startNatsServer } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "bazaar-dev-nats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = (): string => {
  const found = findNatsServer().found;
  if (!found) throw new Error("nats-server is required: run `pnpm nats install`");
  return found.path;
};

describe("startNatsServer", () => {
  it("starts with JetStream on a random port, reports its version, and stops", async () => {
    const server = await startNatsServer({ bin: bin(), port: 0, storeDir: join(dir, "a") });
    expect(server.port).toBeGreaterThan(0);
    expect(server.version).toMatch(/^2\.\d+\.\d+$/);
    const probe = await probeNats(server.url);
    expect(probe).toMatchObject({ kind: "nats", info: { jetstream: true } });
    await server.stop();
    expect(await probeNats(server.url)).toEqual({ kind: "closed" });
  });

  it("fails with the server's own log when the port is taken", async () => {
    const first = await startNatsServer({ bin: bin(), port: 0, storeDir: join(dir, "b") });
    try {
      await expect(
        startNatsServer({ bin: bin(), port: first.port, storeDir: join(dir, "c") }),
      ).rejects.toThrow(/address already in use/);
    } finally {
      await first.stop();
    }
  });
});

describe("startDevNats", () => {
  it("reuses a NATS server already listening instead of starting a second one", async () => {
    const existing = await startNatsServer({ bin: bin(), port: 0, storeDir: join(dir, "d") });
    try {
      const dev = await startDevNats({ url: existing.url, log: () => {}, writeContext: false });
      expect(dev.reused).toBe(true);
      await dev.stop();
      expect((await probeNats(existing.url)).kind).toBe("nats");
    } finally {
      await existing.stop();
    }
  });

  it("refuses a port held by something that is not NATS and names the variable to change", async () => {
    const blocker = createServer((socket) => socket.end("HTTP/1.1 400 Bad Request\r\n\r\n"));
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const attempt = startDevNats({ url: `nats://127.0.0.1:${port}`, log: () => {}, writeContext: false });
      await expect(attempt).rejects.toBeInstanceOf(PortInUseError);
      await expect(attempt).rejects.toThrow(/NATS_URL=/);
    } finally {
      blocker.close();
    }
  });

  it("starts a server with its store where asked when nothing listens", async () => {
    const probeServer = createServer();
    await new Promise<void>((resolve) => probeServer.listen(0, "127.0.0.1", resolve));
    const address = probeServer.address();
    const port = typeof address === "object" && address ? address.port : 0;
    await new Promise<void>((resolve) => probeServer.close(() => resolve()));
    const dev = await startDevNats({
      url: `nats://127.0.0.1:${port}`,
      storeDir: join(dir, "e"),
      syncInterval: "always",
      log: () => {},
      writeContext: false,
    });
    try {
      expect(dev.reused).toBe(false);
      expect((await probeNats(dev.url)).kind).toBe("nats");
    } finally {
      await dev.stop();
    }
    expect((await probeNats(dev.url)).kind).toBe("closed");
  });
});
