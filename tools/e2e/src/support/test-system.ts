import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EnvelopeOf } from "@bazaar/contracts";
import { type EventContract, inventory, orders } from "@bazaar/contracts";
import { brokerEnvFor, ensureAllStreams, type RunMode, type RunningSystem, startSystem } from "@bazaar/dev";
import { createTestClient, readEvents, type TestClient } from "@bazaar/service-kit/testing";
import { freePort, startTestNats, type TestNats } from "@bazaar/testing";
import { services as registry, type ServiceEntry } from "@bazaar/topology";

/** Retry timings short enough for tests, the same in both run modes. */
export const TEST_ENV = {
  SEED: "true",
  LOG_LEVEL: process.env.BAZAAR_TEST_LOG_LEVEL ?? "warn",
  LOG_FORMAT: "json",
  CONSUMER_BACKOFF_MS: "100",
  CONSUMER_BACKOFF_MAX_MS: "1000",
  READINESS_INTERVAL_MS: "250",
  OUTBOX_SWEEP_MS: "250",
  SHUTDOWN_TIMEOUT_MS: "5000",
  SAGA_RETRY_BASE_MS: "50",
  SAGA_RETRY_MAX_MS: "500",
  SAGA_STEP_BUDGET_MS: "4000",
  SAGA_COMPENSATION_ATTEMPTS: "3",
  SAGA_COMPENSATION_BUDGET_MS: "6000",
  // The scenarios that park a saga for an operator park it at once (the automatic rounds are saga tests').
  SAGA_AUTO_RETRIES: "0",
  SAGA_SWEEP_INTERVAL_MS: "500",
} as const;

export interface TestSystem {
  readonly nats: TestNats;
  readonly system: RunningSystem;
  readonly caller: TestClient;
  readonly dataDir: string;
  stop(): Promise<void>;
}

/**
 * `startTestSystem` runs every service (the gateway only when asked: most tests speak NATS) against a
 * throwaway broker, in the given mode, on free ports, with a temp data folder.
 */
export async function startTestSystem(
  mode: RunMode,
  options: {
    envFor?: Record<string, Record<string, string>>;
    gateway?: boolean;
    /** Variables for every service, over `TEST_ENV`. */
    env?: Record<string, string>;
    /** Every log line of every service. */
    onLine?: (service: string, line: string) => void;
    /** Instances of each partitioned service, over `partitions` partitions (processes mode). */
    instances?: number;
    partitions?: number;
  } = {},
): Promise<TestSystem> {
  const nats = await startTestNats();
  // Every service connects as its own broker user, as in production (a test's own variables on top).
  const broker = brokerEnvFor(nats.credentials);
  const envFor: Record<string, Record<string, string>> = { ...broker };
  for (const [name, env] of Object.entries(options.envFor ?? {})) envFor[name] = { ...broker[name], ...env };
  const dataDir = mkdtempSync(join(tmpdir(), `bazaar-e2e-${mode}-`));
  // Every service of the registry; the door (the gateway) only when asked.
  const services = registry.filter((s) => options.gateway || !s.edge).map((s) => s.name);
  const ports: Record<string, number> = {};
  for (const name of services) ports[name] = await freePort();
  // The other instances of each partitioned service (`payments-1`, ...) get ports of their own.
  for (const s of registry)
    if ((s as ServiceEntry).partitioned)
      for (let i = 1; i < (options.instances ?? 1); i++) ports[`${s.name}-${i}`] = await freePort();
  await ensureAllStreams(nats.url, 1, nats.credentials?.operator);
  const system = await startSystem({
    mode,
    natsUrl: nats.url,
    dataDir,
    nodeEnv: "test",
    ports,
    only: services,
    env: { ...TEST_ENV, ...options.env },
    envFor,
    ...(options.instances ? { instances: options.instances } : {}),
    ...(options.partitions ? { partitions: options.partitions } : {}),
    onLine: (service, line) => {
      options.onLine?.(service, line);
      if (process.env.BAZAAR_TEST_LOG_LEVEL) process.stderr.write(`[${service}] ${line}\n`);
    },
  });
  const caller = await createTestClient(nats.url, { partitions: options.partitions ?? 1 });
  return {
    nats,
    system,
    caller,
    dataDir,
    async stop() {
      await caller.close();
      await system.stop();
      await nats.dispose();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

let skuCounter = 0;

/** A fresh product with exactly `stock` units, so each test owns its stock. */
export async function newProduct(t: TestSystem, stock: number, priceCents = 1500): Promise<string> {
  const sku = `E2E-${process.pid % 1000}-${++skuCounter}`;
  await t.caller.client.call(
    inventory.createProduct,
    { sku, name: `Test product ${sku}`, priceCents, stock },
    { idempotencyKey: `create-${sku}` },
  );
  return sku;
}

export const ADDRESS = {
  name: "Ada Lovelace",
  line1: "12 Analytical St",
  city: "London",
  postalCode: "N1 9GU",
  country: "GB",
};

export async function placeOrder(
  t: TestSystem,
  options: { sku: string; quantity?: number; token?: string; country?: string; userId?: string },
): Promise<{ orderId: string; sagaId: string }> {
  const reply = await t.caller.client.call(orders.placeOrder, {
    userId: options.userId ?? "u-e2e",
    items: [{ sku: options.sku, quantity: options.quantity ?? 1 }],
    shippingAddress: { ...ADDRESS, country: options.country ?? "GB" },
    paymentMethod: { token: options.token ?? "tok_visa" },
    idempotencyKey: `k-${Math.random().toString(36).slice(2)}`,
  });
  return { orderId: reply.orderId, sagaId: reply.sagaId };
}

/** Polls an order until it leaves `pending`. */
export async function settled(t: TestSystem, orderId: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const order = await t.caller.client.call(orders.getOrder, { orderId });
    if (order.status !== "pending") return order;
    if (Date.now() > until) throw new Error(`order ${orderId} still pending after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The events of one kind about one order, read from the stream. */
export async function eventsAbout<E extends EventContract>(
  t: TestSystem,
  event: E,
  orderId: string,
): Promise<Array<EnvelopeOf<E>>> {
  return (await readEvents(t.caller.nc, event)).filter(
    (e) => (e.data as { orderId?: string }).orderId === orderId,
  );
}

/** Waits for a condition that becomes true asynchronously (events relayed, read model updated). */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      last = err;
      if (Date.now() > until) throw last;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
