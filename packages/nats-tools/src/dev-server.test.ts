import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findNatsCli, findNatsServer } from "./binaries.js";
import { loadPermissions } from "./broker/permissions-file.js";
import { devCredentialsFile, PortInUseError, startDevNats } from "./dev-server.js";
import { probeNats } from "./probe.js";
import { startNatsServer } from "./server.js";

const dir = mkdtempSync(join(tmpdir(), "bazaar-dev-nats-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const cli = (): string => {
  const found = findNatsCli().found;
  if (!found) throw new Error("the nats CLI is required: run `pnpm nats install`");
  return found.path;
};
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === "object" && address ? address.port : 0;
}
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
      const dev = await startDevNats({
        url: existing.url,
        storeDir: join(dir, "d-store"),
        log: () => {},
        writeContext: false,
      });
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

  it("gives every service and the operator a user, refuses anonymous clients, and keeps the passwords", async () => {
    const storeDir = join(dir, "f");
    const url = `nats://127.0.0.1:${await freePort()}`;
    const dev = await startDevNats({ url, storeDir, log: () => {}, writeContext: false });
    const first = dev.credentials;
    try {
      expect(dev.credentialsFile).toBe(devCredentialsFile(storeDir));
      expect(statSync(dev.credentialsFile).mode & 0o777).toBe(0o600);
      expect(Object.keys(first.services)).toEqual(loadPermissions().services.map((s) => s.service));
      expect(dev.context.command).toContain('--user operator --password "<operator password>"');
      expect(dev.context.command).not.toContain(first.operator.password);
      // The real nats CLI: anonymously it is refused, as the operator it gets in.
      const check = (...auth: string[]) =>
        spawnSync(cli(), ["--server", dev.url, ...auth, "server", "check", "connection"], {
          encoding: "utf8",
        });
      const anonymous = check();
      expect(anonymous.status).not.toBe(0);
      expect(`${anonymous.stdout}${anonymous.stderr}`).toMatch(/Authorization Violation/);
      expect(check("--user", first.operator.user, "--password", first.operator.password).status).toBe(0);
      expect(check("--user", "orders", "--password", "guessed").status).not.toBe(0);
    } finally {
      await dev.stop();
    }
    const again = await startDevNats({ url, storeDir, log: () => {}, writeContext: false });
    await again.stop();
    expect(again.credentials).toEqual(first);
  });
});
