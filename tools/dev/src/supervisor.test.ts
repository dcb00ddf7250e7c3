import { readFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, tempDir } from "@bazaar/testing";
import { afterEach, describe, expect, it } from "vitest";
import { startChildProcess } from "./process-runner.js";
import { waitForReady } from "./readiness.js";
import { type Supervised, supervise } from "./supervisor.js";

const devDir = join(import.meta.dirname, "..");
const running: Supervised[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

/** A supervised tiny service (see fixtures/tiny-service.ts) with its variables and a file of its starts. */
async function tiny(env: () => Record<string, string>, restartOnCrash = true) {
  const port = await freePort();
  const dir = tempDir("dev-supervisor-");
  const starts = join(dir.path, "starts");
  const events: string[] = [];
  const s = supervise({
    name: "tiny",
    spawn: () =>
      startChildProcess({
        name: "tiny",
        cwd: devDir,
        args: ["src/fixtures/tiny-service.ts"],
        env: { PORT: String(port), STARTS_FILE: starts, ...env() },
        onLine: () => undefined,
      }),
    ready: (proc) => waitForReady({ proc, urls: [`http://127.0.0.1:${port}`], timeoutMs: 20_000 }),
    restartOnCrash,
    backoff: { firstMs: 200, maxMs: 400, stableMs: 60_000 },
    onEvent: (m) => events.push(m),
    graceMs: 2000,
  });
  running.push(s);
  const startCount = (): number => {
    try {
      return readFileSync(starts, "utf8").trim().split("\n").length;
    } catch {
      return 0;
    }
  };
  return { s, events, startCount, cleanup: () => dir.dispose() };
}

describe("a supervised service", () => {
  it("that exits during start-up fails the start at once, with its last lines", async () => {
    const t = await tiny(() => ({ FAIL_AT_START: "RATE_LIMIT_AUTH: expected an integer" }));
    const before = Date.now();
    const error = await t.s.start().then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    expect(String(error)).toContain("tiny exited during start-up (exit code 1)");
    expect(String(error)).toContain("tiny: RATE_LIMIT_AUTH: expected an integer");
    expect(String(error)).toContain("tiny: reading configuration");
    // Not the readiness timeout: the exit ends the wait.
    expect(Date.now() - before).toBeLessThan(10_000);
    expect(t.startCount()).toBe(1);
    t.cleanup();
  });

  it("that crashes is restarted with backoff, and says so each time", async () => {
    const t = await tiny(() => ({ CRASH_AFTER_MS: "400" }));
    await t.s.start();
    await expect.poll(() => t.startCount(), { timeout: 15_000 }).toBeGreaterThanOrEqual(3);
    await expect.poll(() => t.events.length, { timeout: 5000 }).toBeGreaterThanOrEqual(3);
    expect(t.events[0]).toBe("tiny crashed (exit code 3); restarting in 0.2 s (restart 1)");
    expect(t.events[1]).toBe("tiny is back (restart 1)");
    expect(t.events[2]).toBe("tiny crashed (exit code 3); restarting in 0.4 s (restart 2)");
    await t.s.stop();
    const after = t.startCount();
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.startCount()).toBe(after);
    t.cleanup();
  });

  it("that is killed on purpose (a crash test) is not restarted", async () => {
    const t = await tiny(() => ({}));
    await t.s.start();
    const pid = t.s.current()?.pid;
    await t.s.kill();
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.startCount()).toBe(1);
    expect(t.s.current()).toBeUndefined();
    expect(() => process.kill(pid ?? -1, 0)).toThrow();
    t.cleanup();
  });

  it("that fails to start after a change waits for the next change instead of spinning", async () => {
    let broken = false;
    const t = await tiny(() => (broken ? { FAIL_AT_START: "SyntaxError: Unexpected token" } : {}));
    await t.s.start();
    broken = true;
    await t.s.reload("src/x.ts changed");
    await expect
      .poll(() => t.events.at(-1), { timeout: 10_000 })
      .toBe("tiny exited during start-up (exit code 1); waiting for a change");
    await new Promise((r) => setTimeout(r, 1000));
    expect(t.startCount()).toBe(2);
    broken = false;
    await t.s.reload("src/x.ts changed");
    expect(t.s.current()).toBeDefined();
    expect(t.startCount()).toBe(3);
    t.cleanup();
  });
});
