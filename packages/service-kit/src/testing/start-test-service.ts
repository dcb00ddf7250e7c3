import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { testBrokerCredentials } from "@bazaar/testing";
import { type RunningService, startService } from "../service/start-service.js";
import type { ServiceDefinition } from "../service/types.js";

/** Log lines a test can read back (parsed JSON). */
export interface CapturedLogs {
  readonly stream: Writable;
  lines(): Array<Record<string, unknown>>;
}

/** `captureLogs` collects a service's JSON log lines in memory. */
export function captureLogs(): CapturedLogs {
  const lines: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, callback) {
      for (const line of chunk.toString("utf8").split("\n")) {
        if (!line.trim()) continue;
        try {
          lines.push(JSON.parse(line) as Record<string, unknown>);
        } catch {
          // not JSON
        }
      }
      callback();
    },
  });
  return { stream, lines: () => lines };
}

export interface TestServiceOptions {
  /** The test broker's URL. */
  readonly natsUrl: string;
  /** Extra or overriding environment variables. */
  readonly env?: Record<string, string | undefined>;
  /** Reuse a data folder (e.g. to restart a service on its SQLite file); default a fresh temp folder. */
  readonly dataDir?: string;
  readonly logs?: CapturedLogs;
}

/** A service started for a test, with its data folder; `stop()` also removes the folder it created. */
export interface TestService extends RunningService {
  readonly dataDir: string;
  /** Stops the service but keeps its data (to restart it on the same file). */
  stopKeepingData(): Promise<void>;
}

/**
 * `startTestService` runs a service in-process against a test broker with a temp SQLite folder, a random
 * HTTP port, test-friendly retry delays and JSON logs (silent unless captured). On a broker that enforces
 * the permissions it connects as its own user, with the permissions its declaration gives it in
 * production (a test's own service, unknown to the broker, connects without credentials).
 */
export async function startTestService(
  def: ServiceDefinition,
  options: TestServiceOptions,
): Promise<TestService> {
  const ownsDir = !options.dataDir;
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), `bazaar-${def.name}-`));
  const user = testBrokerCredentials(options.natsUrl)?.services[def.name];
  let running: RunningService;
  try {
    running = await startService(def, {
      env: {
        NODE_ENV: "test",
        NATS_URL: options.natsUrl,
        DATA_DIR: dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: options.logs ? "debug" : (process.env.BAZAAR_TEST_LOG_LEVEL ?? "silent"),
        LOG_FORMAT: "json",
        INSTANCE_ID: randomBytes(3).toString("hex"),
        CONSUMER_BACKOFF_MS: "50",
        CONSUMER_BACKOFF_MAX_MS: "1000",
        READINESS_INTERVAL_MS: "200",
        OUTBOX_SWEEP_MS: "200",
        SHUTDOWN_TIMEOUT_MS: "5000",
        ...(user ? { NATS_USER: user.user, NATS_PASSWORD: user.password } : {}),
        ...options.env,
      },
      ...(options.logs ? { logDestination: options.logs.stream } : { logDestination: quiet() }),
    });
  } catch (err) {
    if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    ...running,
    dataDir,
    stopKeepingData: () => running.stop(),
    async stop() {
      await running.stop();
      if (ownsDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

function quiet(): Writable {
  // Warnings and errors still reach the test output, which helps when a test fails.
  return new Writable({
    write(chunk: Buffer, _enc, callback) {
      process.stderr.write(chunk);
      callback();
    },
  });
}
