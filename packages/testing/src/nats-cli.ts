import { execFile } from "node:child_process";
import { findNatsCli, installInstructions, NatsServerNotFoundError } from "@bazaar/nats-tools";

export interface NatsCliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * `runNatsCli` runs the real `nats` CLI against `url`, isolated from the user's own contexts,
 * and resolves with its exit code and output (it never throws on a non-zero exit).
 */
export function runNatsCli(
  args: readonly string[],
  options: { url: string; timeoutMs?: number },
): Promise<NatsCliResult> {
  const cli = findNatsCli().found;
  if (!cli) throw new NatsServerNotFoundError(`tests need the nats CLI.\n\n${installInstructions()}`);
  return new Promise((resolve) => {
    execFile(
      cli.path,
      ["--server", options.url, "--no-context", ...args],
      { timeout: options.timeoutMs ?? 20_000, encoding: "utf8", env: { ...process.env, NO_COLOR: "1" } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}
