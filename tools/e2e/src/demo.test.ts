import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestSystem, type TestSystem } from "./support/test-system.js";

const devDir = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dev");

let t: TestSystem;
beforeAll(async () => {
  t = await startTestSystem("monolith", { gateway: true });
}, 120_000);
afterAll(async () => {
  await t?.stop();
});

/** Runs `pnpm demo`'s script as a newcomer would, against this system's gateway. */
function runDemo(gatewayUrl: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--conditions=@bazaar/source", "--import", "tsx", "src/demo.ts"], {
      cwd: devDir,
      env: { ...process.env, GATEWAY_URL: gatewayUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.once("exit", (code) => resolve({ code, output }));
  });
}

describe("pnpm demo", () => {
  it("tours the system and ends as expected: one order confirmed, one declined and compensated, one out of stock", async () => {
    const { code, output } = await runDemo(t.system.url("gateway"));
    expect(output).toContain("All as expected.");
    expect(output).toMatch(/is confirmed \(expected confirmed\)/);
    expect(output).toMatch(/compensate reserve-stock\s+succeeded/);
    expect(output).toContain("the read model caught up with all three orders");
    expect(code).toBe(0);
  }, 90_000);

  it("exits non-zero when the system is not there", async () => {
    const { code, output } = await runDemo("http://127.0.0.1:1");
    expect(code).toBe(1);
    expect(output).toContain("is the system running?");
  });
});
