import { spawn } from "node:child_process";
import { join } from "node:path";
import { freePort } from "@bazaar/testing";
import { expect, it } from "vitest";
import { parentIsGone } from "./parent-pid.js";

const devDir = join(import.meta.dirname, "..");

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

it("tells a re-parented process from one whose parent lives", () => {
  expect(parentIsGone(process.ppid)).toBe(false);
  expect(parentIsGone(process.ppid, 1)).toBe(true);
});

it("a service whose runner was SIGKILLed stops on its own and frees its port", async () => {
  const port = await freePort();
  const runner = spawn(
    process.execPath,
    ["--conditions=@bazaar/source", "--import", "tsx", "src/fixtures/runner-of-one.ts"],
    { cwd: devDir, env: { ...process.env, PORT: String(port) }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let output = "";
  runner.stdout.on("data", (c: Buffer) => {
    output += c.toString("utf8");
  });
  await expect.poll(() => /child (\d+)/.exec(output), { timeout: 20_000 }).toBeTruthy();
  const child = Number(/child (\d+)/.exec(output)?.[1]);
  expect(alive(child)).toBe(true);
  // No exit handler runs on SIGKILL: only the child itself can notice.
  runner.kill("SIGKILL");
  await expect.poll(() => alive(child), { timeout: 5000, interval: 100 }).toBe(false);
  await expect(fetch(`http://127.0.0.1:${port}/health/ready`)).rejects.toThrow();
});
