import { spawn } from "node:child_process";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

const HERE = fileURLToPath(new URL(".", import.meta.url));

/** The checks every run makes: no 5xx, only documented statuses, bodies and media types as documented. */
export const FUZZ_CHECKS = [
  "not_a_server_error",
  "status_code_conformance",
  "content_type_conformance",
  "response_schema_conformance",
] as const;

export interface SchemathesisRun {
  /** The `st` executable of the virtual environment. */
  readonly bin: string;
  readonly baseUrl: string;
  /** The run's name in the output (`customer`, `admin`). */
  readonly name: string;
  readonly token: string;
  readonly maxExamples: number;
  readonly excludePaths?: readonly string[];
  readonly reportPath: string;
}

/**
 * `runSchemathesis` runs schemathesis over the gateway's own `/openapi.json` with one bearer token, its
 * output passed through (prefixed with the run's name), and resolves with its exit status: non-zero when a
 * check failed or a request errored. A fixed seed makes a failure reproducible with the same command.
 */
export function runSchemathesis(run: SchemathesisRun): Promise<number> {
  const args = [
    "run",
    `${run.baseUrl}/openapi.json`,
    "--url",
    run.baseUrl,
    "--checks",
    FUZZ_CHECKS.join(","),
    "--max-examples",
    String(run.maxExamples),
    "--header",
    `Authorization: Bearer ${run.token}`,
    "--request-timeout",
    "15",
    "--workers",
    "2",
    "--seed",
    "20261202",
    "--no-shrink",
    "--report",
    "junit",
    "--report-junit-path",
    run.reportPath,
    ...(run.excludePaths ?? []).flatMap((path) => ["--exclude-path", path]),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(run.bin, args, {
      // Schemathesis keeps its own state in `.schemathesis/` of its working folder: the reports' (ignored).
      cwd: dirname(run.reportPath),
      stdio: ["ignore", "pipe", "pipe"],
      // The hooks module sits next to this file (see fuzz_hooks.py for why it exists).
      env: {
        ...process.env,
        NO_COLOR: "1",
        // Nothing is written into the source folder (no __pycache__ next to the hooks).
        PYTHONDONTWRITEBYTECODE: "1",
        SCHEMATHESIS_HOOKS: "fuzz_hooks",
        PYTHONPATH: [HERE, process.env.PYTHONPATH].filter(Boolean).join(":"),
      },
    });
    const relay = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n"))
        if (line.trim() !== "") process.stdout.write(`[${run.name}] ${line}\n`);
    };
    child.stdout.on("data", relay);
    child.stderr.on("data", relay);
    child.on("error", reject);
    child.on("close", (code) => resolve(code ?? 1));
  });
}
