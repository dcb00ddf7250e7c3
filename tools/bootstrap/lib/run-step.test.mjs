import { describe, expect, it } from "vitest";
import { formatDuration, runStep } from "./run-step.mjs";

const node = process.execPath;

describe("runStep", () => {
  it("says what it does, passes the output on, and how long it took", async () => {
    const lines = [];
    const took = await runStep({
      title: "Saying hello",
      command: node,
      args: ["-e", "console.log('hello'); console.error('to stderr')"],
      cwd: process.cwd(),
      env: process.env,
      quietAfterMs: 10_000,
      write: (line) => lines.push(line),
    });
    expect(lines[0]).toBe("\n▸ Saying hello");
    expect(lines).toContain("  hello");
    expect(lines).toContain("  to stderr");
    expect(lines.at(-1)).toMatch(/^✓ Saying hello \(\d+(\.\d)? s\)$/);
    expect(took).toBeGreaterThan(0);
  });

  it("says it is still working when a step is quiet for long", async () => {
    const lines = [];
    await runStep({
      title: "Compiling nats-server",
      command: node,
      args: ["-e", "setTimeout(() => {}, 1700)"],
      cwd: process.cwd(),
      env: process.env,
      quietAfterMs: 500,
      write: (line) => lines.push(line),
    });
    expect(lines.some((l) => /^ {2}… still compiling nats-server \(\d+(\.\d)? s so far\)$/.test(l))).toBe(
      true,
    );
  });

  it("fails with the step's name and exit code", async () => {
    await expect(
      runStep({
        title: "Failing",
        command: node,
        args: ["-e", "process.exit(3)"],
        cwd: process.cwd(),
        env: process.env,
        quietAfterMs: 10_000,
        write: () => undefined,
      }),
    ).rejects.toThrow(/^Failing failed \(exit code 3\) after/);
  });

  it("writes durations for people", () => {
    expect(formatDuration(1234)).toBe("1.2 s");
    expect(formatDuration(95_000)).toBe("1 min 35 s");
  });
});
