import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeLookup, findNatsServer } from "./binaries.js";
import { NatsServerUnusableError } from "./errors.js";

const dir = mkdtempSync(join(tmpdir(), "bazaar-bin-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A fake executable that prints a version, to test discovery order without real installs. */
function fakeServer(folder: string, version: string): string {
  const path = join(folder, "nats-server");
  writeFileSync(path, `#!/bin/sh\necho "nats-server: v${version}"\n`);
  chmodSync(path, 0o755);
  return path;
}

describe("findNatsServer", () => {
  it("prefers NATS_SERVER_BIN over the local bin folder and PATH", () => {
    const envDir = mkdtempSync(join(dir, "env-"));
    const localDir = mkdtempSync(join(dir, "local-"));
    const pathDir = mkdtempSync(join(dir, "path-"));
    const explicit = fakeServer(envDir, "2.15.2");
    fakeServer(localDir, "2.12.0");
    fakeServer(pathDir, "2.11.0");
    const lookup = findNatsServer({ env: { NATS_SERVER_BIN: explicit, PATH: pathDir }, binDir: localDir });
    expect(lookup.found).toMatchObject({ path: explicit, version: "2.15.2", source: "env" });
  });

  it("skips a server older than 2.10 on PATH and says why", () => {
    const localDir = mkdtempSync(join(dir, "local-"));
    const pathDir = mkdtempSync(join(dir, "path-"));
    fakeServer(pathDir, "2.9.10");
    const lookup = findNatsServer({ env: { PATH: pathDir }, binDir: localDir });
    expect(lookup.found).toBeUndefined();
    expect(lookup.rejected[0]?.reason).toBe("version 2.9.10 is older than 2.10.0");
    expect(describeLookup("nats-server", lookup)).toContain("skipped");
  });

  it("uses the local bin folder before PATH", () => {
    const localDir = mkdtempSync(join(dir, "local-"));
    const pathDir = mkdtempSync(join(dir, "path-"));
    const local = fakeServer(localDir, "2.15.2");
    fakeServer(pathDir, "2.11.0");
    expect(findNatsServer({ env: { PATH: pathDir }, binDir: localDir }).found).toMatchObject({
      path: local,
      source: "local",
    });
  });

  it("refuses an explicit NATS_SERVER_BIN that is too old instead of falling through", () => {
    const envDir = mkdtempSync(join(dir, "env-"));
    const old = fakeServer(envDir, "2.9.10");
    expect(() => findNatsServer({ env: { NATS_SERVER_BIN: old, PATH: "" }, binDir: envDir })).toThrow(
      NatsServerUnusableError,
    );
  });
});
