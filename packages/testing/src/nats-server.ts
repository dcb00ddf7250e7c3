import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type BrokerCredentials,
  brokerIdentities,
  findNatsServer,
  installInstructions,
  NatsServerNotFoundError,
  type NatsServerProcess,
  type NatsUser,
  startNatsServer,
} from "@bazaar/nats-tools";
import { trackPid, untrackPid } from "./cleanup.js";

export interface TestNatsOptions {
  readonly jetstream?: boolean;
  readonly syncInterval?: string;
  /**
   * Enforce the broker permissions (default true): the committed configuration (`pnpm broker:config`), one
   * user per service with fresh passwords, and the operator's. `false` gives an open broker.
   */
  readonly permissions?: boolean;
  /**
   * What a connection without credentials is (with permissions on): `"operator"` (default), so a test's own
   * connections can set up and inspect anything, or `"refused"`, as on every real broker.
   */
  readonly anonymous?: "operator" | "refused";
  /**
   * More nats-server configuration, appended to the generated file as is: subject `mappings`, limits, and
   * so on. It must not repeat what the helper writes (`listen`, `jetstream`, `authorization`).
   */
  readonly config?: string;
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
  /** The operator's and every service's user (undefined on an open broker). */
  readonly credentials: BrokerCredentials | undefined;
  /** The user a service connects as: its own, when the broker enforces permissions and knows it. */
  credentialsFor(service: string): NatsUser | undefined;
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

/** The test brokers of this process by URL, so a service started on one finds its own user there. */
const brokers = new Map<string, BrokerCredentials>();

/**
 * `testBrokerCredentials` is the users of the test broker at `url` (started by `startTestNats` in this
 * process), or undefined for an open broker or another one. `startTestService` connects each service as
 * its own user with it, so tests run with the permissions the services have in production.
 */
export function testBrokerCredentials(url: string): BrokerCredentials | undefined {
  return brokers.get(url);
}

/**
 * `startTestNats` starts an isolated nats-server with JetStream on a random free port and a temp store,
 * waits until it is ready, and makes sure it dies with the test process. It enforces the broker
 * permissions unless told not to: services started on it connect as their own users, and a test's own
 * connections without credentials act as the operator (or are refused: `anonymous: "refused"`).
 */
export async function startTestNats(options: TestNatsOptions = {}): Promise<TestNats> {
  const bin = serverBin();
  const storeDir = mkdtempSync(join(tmpdir(), "bazaar-nats-"));
  const identities =
    (options.permissions ?? true)
      ? brokerIdentities({ anonymous: options.anonymous ?? "operator" })
      : undefined;
  // `startNatsServer` appends its `authorization` text verbatim at the end of the file; extra top-level
  // blocks ride along after it (nats-tools has no separate field for them).
  const extra = [identities?.authorization, options.config].filter((part) => part !== undefined);
  const launch = (port: number): Promise<NatsServerProcess> =>
    startNatsServer({
      bin,
      port,
      storeDir,
      jetstream: options.jetstream ?? true,
      syncInterval: options.syncInterval,
      ...(extra.length > 0 ? { authorization: extra.join("\n") } : {}),
      ...(identities ? { env: identities.env } : {}),
    });

  let current: NatsServerProcess | undefined = await launch(0);
  trackPid(current.pid);
  const port = current.port;
  const url = current.url;
  const version = current.version;
  const credentials = identities?.credentials;
  if (credentials) brokers.set(url, credentials);

  const halt = async (how: "stop" | "kill"): Promise<void> => {
    const proc = current;
    if (!proc) return;
    current = undefined;
    await proc[how]();
    untrackPid(proc.pid);
  };
  const dispose = async (): Promise<void> => {
    await halt("kill");
    brokers.delete(url);
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
    credentials,
    credentialsFor: (service) => credentials?.services[service],
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
