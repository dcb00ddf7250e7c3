import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { SERVICE_NODE_FLAGS } from "@bazaar/service-kit/platform";
import { type ManagedProcess, startManagedProcess } from "./managed-process.js";
import { answers, waitUntil } from "./wait-until.js";

/** One service as the monolith starts it: its deploy folder, its environment, where it answers. */
export interface MonolithService {
  readonly name: string;
  readonly folder: string;
  readonly env: Readonly<Record<string, string>>;
  readonly url: string;
}

export interface MonolithOptions {
  /** The registry's start stages: a stage starts once the one before it has started. */
  readonly stages: readonly (readonly MonolithService[])[];
  /** The process's working folder. */
  readonly dir: string;
  /** Output goes to `<logDir>/monolith.log`. */
  readonly logDir: string;
  readonly readyTimeoutMs: number;
}

const MONOLITH_MAIN = fileURLToPath(new URL("./monolith-main.mjs", import.meta.url));

/** The monolith's process, and the wait until every service in it is ready. */
export interface Monolith {
  readonly process: ManagedProcess;
  /** Resolves once every service answers `/health/ready`; rejects early if the process exits. */
  ready(): Promise<void>;
}

/**
 * `startMonolith` runs every service's compiled definition (`dist/service.js` of its deploy folder) in one
 * `node` process (see `monolith-main.mjs`) with `NODE_ENV=production`, each service with its own
 * environment, stage by stage.
 */
export function startMonolith(options: MonolithOptions): Monolith {
  const spec = options.stages.map((stage) => stage.map(({ name, folder, env }) => ({ name, folder, env })));
  const proc = startManagedProcess({
    command: process.execPath,
    // The flags every service's production `node` runs with, for the one process that holds them all.
    args: [...SERVICE_NODE_FLAGS, MONOLITH_MAIN],
    cwd: options.dir,
    env: { PATH: process.env.PATH ?? "", NODE_ENV: "production", MONOLITH_STAGES: JSON.stringify(spec) },
    logFile: join(options.logDir, "monolith.log"),
  });
  return {
    process: proc,
    async ready() {
      for (const s of options.stages.flat())
        await waitUntil(() => answers(`${s.url}/health/ready`), {
          timeoutMs: options.readyTimeoutMs,
          intervalMs: 100,
          what: `${s.name} (monolith) is not ready`,
          abandon: () => (proc.running ? undefined : `the monolith exited:\n${proc.tail()}`),
        });
    },
  };
}
