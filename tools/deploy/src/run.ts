import { spawn } from "node:child_process";

export interface RunOptions {
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Stream the command's output to this process's (the CLI); otherwise it is kept for the error message. */
  readonly inherit?: boolean;
}

/** A command that exited non-zero, with the end of its output so the cause is in the message. */
export class CommandError extends Error {
  override readonly name = "CommandError";
  constructor(
    readonly command: string,
    readonly exitCode: number | null,
    readonly output: string,
  ) {
    super(`\`${command}\` failed (exit ${exitCode ?? "signal"})${output ? `:\n${output.slice(-4000)}` : ""}`);
  }
}

/** `run` executes a command without a shell (arguments are never re-parsed) and resolves with its output. */
export function run(command: string, args: readonly string[], options: RunOptions): Promise<string> {
  const line = [command, ...args].join(" ");
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: options.inherit ? "inherit" : ["ignore", "pipe", "pipe"],
      shell: process.platform === "win32",
    });
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString("utf8");
    });
    child.once("error", reject);
    child.once("close", (code) => {
      if (code === 0) resolve(output);
      else reject(new CommandError(line, code, output));
    });
  });
}
