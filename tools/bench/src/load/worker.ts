import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/**
 * `runWorker` runs a load script of this folder in its own Node process (the load generator never shares
 * a process with what it measures), passes it `config` as JSON in `BENCH_WORKER`, and resolves with the
 * JSON it prints as its last line.
 */
export function runWorker<T>(script: string, config: unknown, onMeasuring?: () => void): Promise<T> {
  const file = fileURLToPath(new URL(script, import.meta.url));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", file], {
      cwd: fileURLToPath(new URL("../..", import.meta.url)),
      env: { ...process.env, BENCH_WORKER: JSON.stringify(config) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (c: Buffer) => {
      const before = out.includes(MEASURING);
      out += c.toString("utf8");
      if (!before && out.includes(MEASURING)) onMeasuring?.();
    });
    child.stderr.on("data", (c: Buffer) => {
      err += c.toString("utf8");
    });
    child.once("error", reject);
    child.once("exit", (code) => {
      const last = out.trim().split("\n").at(-1) ?? "";
      if (code !== 0) return reject(new Error(`${script} exited with ${code}:\n${err.slice(-3000)}`));
      try {
        resolve(JSON.parse(last) as T);
      } catch {
        reject(new Error(`${script} printed no result:\n${out.slice(-2000)}\n${err.slice(-2000)}`));
      }
    });
  });
}

/** The line a worker prints when its warm-up ends and its measured window starts. */
export const MEASURING = "BENCH_MEASURING";

/** `workerConfig` is the config a worker process was given. */
export function workerConfig<T>(): T {
  return JSON.parse(process.env.BENCH_WORKER ?? "null") as T;
}
