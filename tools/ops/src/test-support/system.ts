import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { brokerEnvFor, ensureAllStreams, type RunningSystem, startSystem } from "@bazaar/dev";
import { createTestClient, type TestClient } from "@bazaar/service-kit/testing";
import { freePort, startTestNats, type TestNats } from "@bazaar/testing";
import { edgeService, services } from "@bazaar/topology";

/** Short retry timings, and sagas that park for an operator at once (no automatic rounds). */
const ENV = {
  SEED: "true",
  LOG_LEVEL: "warn",
  LOG_FORMAT: "json",
  CONSUMER_BACKOFF_MS: "100",
  CONSUMER_BACKOFF_MAX_MS: "1000",
  READINESS_INTERVAL_MS: "250",
  SHUTDOWN_TIMEOUT_MS: "5000",
  SAGA_RETRY_BASE_MS: "50",
  SAGA_RETRY_MAX_MS: "500",
  SAGA_STEP_BUDGET_MS: "4000",
  SAGA_COMPENSATION_ATTEMPTS: "2",
  SAGA_COMPENSATION_BUDGET_MS: "4000",
  SAGA_AUTO_RETRIES: "0",
  SAGA_SWEEP_INTERVAL_MS: "500",
} as const;

export interface OpsSystem {
  readonly nats: TestNats;
  readonly system: RunningSystem;
  /** An RPC client of its own, for what a test sets up behind the gateway's back. */
  readonly caller: TestClient;
  readonly gatewayUrl: string;
  stop(): Promise<void>;
}

/**
 * `startOpsSystem` runs the whole system, gateway included, in this process against a throwaway broker
 * that enforces the permissions, as the operator's CLI finds it in production.
 */
export async function startOpsSystem(): Promise<OpsSystem> {
  const nats = await startTestNats();
  const dataDir = mkdtempSync(join(tmpdir(), "bazaar-ops-"));
  const ports: Record<string, number> = {};
  for (const s of services) ports[s.name] = await freePort();
  await ensureAllStreams(nats.url, 1, nats.credentials?.operator);
  // Every service as its own broker user; the CLI's tests log in often, past production's auth limit.
  const broker = brokerEnvFor(nats.credentials);
  const system = await startSystem({
    mode: "monolith",
    natsUrl: nats.url,
    dataDir,
    nodeEnv: "test",
    ports,
    env: ENV,
    envFor: {
      ...broker,
      gateway: { ...broker.gateway, RATE_LIMIT_AUTH: "100000", RATE_LIMIT_USER: "100000" },
    },
  });
  const caller = await createTestClient(nats.url);
  return {
    nats,
    system,
    caller,
    gatewayUrl: system.url(edgeService().name),
    async stop() {
      await caller.close();
      await system.stop();
      await nats.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
