import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  findNatsServer,
  installInstructions,
  NatsServerNotFoundError,
  type NatsServerProcess,
  startNatsServer,
} from "@bazaar/nats-tools";
import { trackPid, untrackPid } from "./cleanup.js";

export interface TestNatsOptions {
  readonly jetstream?: boolean;
  readonly syncInterval?: string;
}

/** A throwaway nats-server for one test file or suite, with fault controls. */
export interface TestNats {
  /** Stable across restarts (same port). */
  readonly url: string;
  readonly port: number;
  readonly storeDir: string;
  readonly version: string | undefined;
  /** Whether the server is currently running. */
  readonly running: boolean;
  /** Graceful stop; the store is kept for `restart()`. */
  stop(): Promise<void>;
  /** SIGKILL: what clients see when a broker crashes. */
  kill(): Promise<void>;
  /** Starts again on the same port and store (after stop or kill; stops first if running). */
  restart(): Promise<void>;
  /** Stops the server and removes its store. */
  dispose(): Promise<void>;
  [Symbol.asyncDispose](): Promise<void>;
}

function serverBin(): string {
  const lookup = findNatsServer();
  if (!lookup.found) throw new NatsServerNotFoundError(`tests need nats-server.\n\n${installInstructions()}`);
  return lookup.found.path;
}

/**
 * `startTestNats` starts an isolated nats-server with JetStream on a random free port and a temp store,
 * waits until it is ready, and makes sure it dies with the test process.
 */
export async function startTestNats(options: TestNatsOptions = {}): Promise<TestNats> {
  const bin = serverBin();
  const storeDir = mkdtempSync(join(tmpdir(), "bazaar-nats-"));
  const launch = (port: number): Promise<NatsServerProcess> =>
    startNatsServer({
      bin,
      port,
      storeDir,
      jetstream: options.jetstream ?? true,
      syncInterval: options.syncInterval,
    });

  let current: NatsServerProcess | undefined = await launch(0);
  trackPid(current.pid);
  const port = current.port;
  const url = current.url;
  const version = current.version;

  const halt = async (how: "stop" | "kill"): Promise<void> => {
    const proc = current;
    if (!proc) return;
    current = undefined;
    await proc[how]();
    untrackPid(proc.pid);
  };
  const dispose = async (): Promise<void> => {
    await halt("kill");
    rmSync(storeDir, { recursive: true, force: true });
  };

  return {
    url,
    port,
    storeDir,
    version,
    get running() {
      return current !== undefined;
    },
    stop: () => halt("stop"),
    kill: () => halt("kill"),
    async restart() {
      await halt("stop");
      // The port was just released; another process could grab it in between, so retry briefly.
      for (let attempt = 0; ; attempt++) {
        try {
          current = await launch(port);
          trackPid(current.pid);
          return;
        } catch (err) {
          if (attempt >= 20) throw err;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    dispose,
    [Symbol.asyncDispose]: dispose,
  };
}
