import { spawn } from "node:child_process";

/** What one wrk run measured. */
export interface HttpLoadResult {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Responses that were not 2xx/3xx, plus socket errors and timeouts. */
  readonly errors: number;
}

const UNIT_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000 };

/** `parseDuration` reads wrk's `812.00us`, `1.20ms`, `2.01s` as milliseconds. */
export function parseDuration(text: string): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`not a wrk duration: ${text}`);
  return Number(match[1]) * (UNIT_MS[match[2] as string] ?? 1);
}

/** `parseWrkOutput` reads wrk's `--latency` report. */
export function parseWrkOutput(output: string): HttpLoadResult {
  const pct = (p: string): number => {
    const match = new RegExp(`^\\s*${p}%\\s+(\\S+)`, "m").exec(output);
    if (!match) throw new Error(`wrk output has no ${p}% line:\n${output}`);
    return parseDuration(match[1] as string);
  };
  const rps = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const total = /(\d+) requests in/.exec(output);
  const non2xx = /Non-2xx or 3xx responses:\s+(\d+)/.exec(output);
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const socketErrors = socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0;
  return {
    requestsPerSecond: Number(rps?.[1] ?? 0),
    p50Ms: pct("50"),
    p99Ms: pct("99"),
    requests: Number(total?.[1] ?? 0),
    errors: Number(non2xx?.[1] ?? 0) + socketErrors,
  };
}

export interface WrkOptions {
  readonly url: string;
  readonly connections: number;
  readonly seconds: number;
  /** wrk threads: one leaves the other core to the system under test. */
  readonly threads?: number;
}

/** `runWrk` runs wrk (a separate C process, so the load generator costs little CPU) and parses its report. */
export function runWrk({ url, connections, seconds, threads = 1 }: WrkOptions): Promise<HttpLoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "wrk",
      [`-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--timeout", "10s", "--latency", url],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let output = "";
    child.stdout.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.stderr.on("data", (c: Buffer) => {
      output += c.toString("utf8");
    });
    child.once("error", (err) =>
      reject(new Error(`wrk could not start (${err.message}): apt-get install -y wrk`, { cause: err })),
    );
    child.once("exit", (code) => {
      if (code !== 0) reject(new Error(`wrk exited with ${code}:\n${output}`));
      else {
        try {
          resolve(parseWrkOutput(output));
        } catch (err) {
          reject(err);
        }
      }
    });
  });
}
