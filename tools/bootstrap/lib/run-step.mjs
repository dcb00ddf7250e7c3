// One step of the bootstrap: what it does, its output, and how long it took, with a line every so often
// while a long, quiet step works (`go install` compiles for a minute without a word).
import { spawn } from "node:child_process";

/** @param {number} ms */
export function formatDuration(ms) {
  const s = Math.round(ms / 100) / 10;
  if (s < 60) return `${s} s`;
  return `${Math.floor(s / 60)} min ${Math.round(s % 60)} s`;
}

/**
 * `runStep` runs `command` from `cwd`, prints `▸ title` before and `✓ title (12.3 s)` after, and resolves
 * with its duration; it rejects with the exit status when the command fails. With `quietAfterMs`, the
 * output is passed through line by line and a "still …" line is printed whenever the command has been
 * silent that long; otherwise the command owns the terminal (pnpm draws its own progress).
 * @param {{ title: string; command: string; args: string[]; cwd: string; env: NodeJS.ProcessEnv;
 *   quietAfterMs?: number; write?: (line: string) => void; now?: () => number }} step
 * @returns {Promise<number>}
 */
export function runStep(step) {
  const write = step.write ?? ((line) => process.stdout.write(`${line}\n`));
  const now = step.now ?? Date.now;
  const started = now();
  write(`\n▸ ${step.title}`);
  return new Promise((resolve, reject) => {
    const piped = step.quietAfterMs !== undefined;
    const child = spawn(step.command, step.args, {
      cwd: step.cwd,
      env: step.env,
      stdio: piped ? ["ignore", "pipe", "pipe"] : "inherit",
      shell: process.platform === "win32",
    });
    let lastOutput = now();
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    if (piped) {
      const forward = (/** @type {NodeJS.ReadableStream | null} */ stream) => {
        let buffered = "";
        stream?.on("data", (chunk) => {
          buffered += chunk.toString("utf8");
          const lines = buffered.split("\n");
          buffered = lines.pop() ?? "";
          for (const line of lines) if (line.trim()) write(`  ${line}`);
          lastOutput = now();
        });
      };
      forward(child.stdout);
      forward(child.stderr);
      const every = /** @type {number} */ (step.quietAfterMs);
      timer = setInterval(
        () => {
          if (now() - lastOutput < every) return;
          write(
            `  … still ${step.title.charAt(0).toLowerCase()}${step.title.slice(1)} (${formatDuration(now() - started)} so far)`,
          );
          lastOutput = now();
        },
        Math.min(every, 1000),
      );
    }
    child.once("error", (err) => {
      clearInterval(timer);
      reject(new Error(`${step.title}: could not run ${step.command} (${err.message})`));
    });
    child.once("close", (code, signal) => {
      clearInterval(timer);
      const took = now() - started;
      if (code === 0) {
        write(`✓ ${step.title} (${formatDuration(took)})`);
        resolve(took);
      } else {
        reject(
          new Error(`${step.title} failed (${signal ?? `exit code ${code}`}) after ${formatDuration(took)}`),
        );
      }
    });
  });
}
