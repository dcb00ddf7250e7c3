import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { type RunMode, type SystemUnderTest, serviceSecrets, startSystem } from "@bazaar/system-harness";
import { customers } from "../load/customers.js";
import type { OrderLoadConfig, OrderLoadResult } from "../load/order-load.js";
import { runWorker } from "../load/worker.js";
import { type ScenarioResult, summarize } from "../report/result.js";
import { interleavedRounds, type RoundTarget } from "../run/rounds.js";
import { ratio } from "../stats/stats.js";
import { BENCH_SYSTEM, type BenchContext, PRODUCTION_ENV } from "./context.js";

/** The product the orders buy: created with stock no run can exhaust. */
const ORDER_SKU = "BENCH-001";

interface Variant {
  readonly name: string;
  readonly description: string;
  readonly mode: RunMode;
  readonly syncInterval?: string;
  readonly env: Readonly<Record<string, string>>;
  /** Instances of every partitioned service, over `partitions` partitions (processes mode). */
  readonly instances?: number;
  readonly partitions?: number;
}

const VARIANTS: readonly Variant[] = [
  {
    name: "processes",
    description: "one process per service, production settings",
    mode: "processes",
    env: PRODUCTION_ENV,
  },
  {
    name: "monolith",
    description: "every service in one process, production settings",
    mode: "monolith",
    env: PRODUCTION_ENV,
  },
  {
    name: "partitioned",
    description:
      "two instances of every partitioned service (orders, payments, shipping, order-views, notifications) over 8 partitions, production settings",
    mode: "processes",
    env: PRODUCTION_ENV,
    instances: 2,
    partitions: 8,
  },
];

const FAST: Variant = {
  name: "processes-fast",
  description: "LESS DURABLE: processes, nats sync_interval 2m, SQLITE_SYNCHRONOUS=NORMAL",
  mode: "processes",
  syncInterval: "2m",
  env: { SQLITE_SYNCHRONOUS: "NORMAL" },
};

/** `createBenchProduct` signs in as the seeded admin and creates the product the orders buy. */
async function createBenchProduct(ctx: BenchContext, gatewayUrl: string): Promise<void> {
  const admin = serviceSecrets(ctx.root, "users");
  const login = await fetch(`${gatewayUrl}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      email: admin.ADMIN_EMAIL ?? "admin@bazaar.local",
      password: admin.ADMIN_PASSWORD,
    }),
  });
  const { accessToken } = (await login.json()) as { accessToken: string };
  const created = await fetch(`${gatewayUrl}/api/admin/products`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      authorization: `Bearer ${accessToken}`,
      "Idempotency-Key": randomUUID(),
    },
    body: JSON.stringify({ sku: ORDER_SKU, name: "Bench item", priceCents: 100, stock: 1_000_000 }),
  });
  if (created.status !== 201)
    throw new Error(`creating ${ORDER_SKU}: HTTP ${created.status} ${await created.text()}`);
}

/**
 * Scenario 3: orders placed through the gateway until confirmed and visible in the read model, by 2 and 32
 * closed-loop clients, in both run modes (and the less durable row), every system up side by side so the
 * rounds interleave.
 */
export async function orderFlow(ctx: BenchContext): Promise<ScenarioResult> {
  const variants = ctx.options.fast ? [...VARIANTS, FAST] : VARIANTS;
  const systems = new Map<string, SystemUnderTest>();
  const tokens = new Map<string, string[]>();
  try {
    for (const v of variants) {
      ctx.log(`starting Bazaar (${v.name}) for the order flow`);
      const system = await startSystem({
        ...BENCH_SYSTEM,
        root: ctx.root,
        mode: v.mode,
        services: ctx.services,
        folders: ctx.folders,
        dir: join(ctx.runDir, `orders-${v.name}`),
        env: v.env,
        ...(v.syncInterval ? { syncInterval: v.syncInterval } : {}),
        ...(v.instances ? { instances: v.instances, partitions: v.partitions ?? 8 } : {}),
      });
      systems.set(v.name, system);
      ctx.log(`  ready in ${Math.round(system.readyMs)} ms`);
      await createBenchProduct(ctx, system.gatewayUrl);
      // The customers sign up once per system (registration hashes a password on purpose: slow), before any
      // measurement; their tokens last 15 minutes.
      tokens.set(v.name, await customers(system.gatewayUrl, Math.max(...ctx.options.orderClients)));
      ctx.log(`  ${tokens.get(v.name)?.length} customers signed in`);
    }
    const targets: RoundTarget[] = [];
    const descriptions = new Map<string, string>();
    for (const clients of ctx.options.orderClients)
      for (const v of variants) {
        const system = systems.get(v.name) as SystemUnderTest;
        const name = `${v.name} ×${clients}`;
        descriptions.set(name, `${v.description}, ${clients} clients`);
        targets.push({
          name,
          pids: () => system.pids(),
          run: async (measure) => {
            const config: OrderLoadConfig = {
              gatewayUrl: system.gatewayUrl,
              clients,
              sku: ORDER_SKU,
              warmupMs: ctx.options.warmupSeconds * 1000,
              durationMs: ctx.options.seconds * 1000,
              pollMs: 10,
              tokens: tokens.get(v.name) ?? [],
            };
            const r = await runWorker<OrderLoadResult>("./order-load.ts", config, () => measure.start());
            return { rate: r.ordersPerSecond, p50Ms: r.p50Ms, p99Ms: r.p99Ms, errors: r.errors };
          },
        });
      }
    const runs = await interleavedRounds(targets, ctx.options.rounds, ctx.log);
    const rows = targets.map((t) => summarize(t.name, descriptions.get(t.name) ?? "", runs));
    const rate = (name: string) => rows.find((r) => r.target === name)?.rate ?? 0;
    const ratios: Record<string, number | null> = {};
    for (const clients of ctx.options.orderClients) {
      ratios[`monolith/processes ×${clients} orders/s`] = ratio(
        rate(`monolith ×${clients}`),
        rate(`processes ×${clients}`),
      );
      ratios[`partitioned/processes ×${clients} orders/s`] = ratio(
        rate(`partitioned ×${clients}`),
        rate(`processes ×${clients}`),
      );
      if (ctx.options.fast)
        ratios[`fast/durable ×${clients} orders/s`] = ratio(
          rate(`processes-fast ×${clients}`),
          rate(`processes ×${clients}`),
        );
    }
    return {
      name: "order-flow",
      title: "3. Order flow: placed → confirmed, visible in the read model",
      unit: "orders/s",
      method: `A separate Node process runs N customers (signed up and signed in once per system, before any measurement), each in a closed loop: POST /api/orders (tok_visa, one unit), then GET /api/my-orders?limit=1 every 10 ms until that order is confirmed there. Latency is POST sent → seen confirmed (the saga: quote, reserve, charge, ship, confirm, then the events into order-views). Only orders started and finished inside the window count. ${ctx.options.warmupSeconds} s warm-up, ${ctx.options.seconds} s measured, ${ctx.options.rounds} interleaved round(s); every system runs throughout (idle ones cost a little CPU). CPU and RSS per process of the system measured, its nats-server included.`,
      rows,
      ratios,
      measurements: runs,
    };
  } finally {
    for (const s of systems.values()) await s.stop();
  }
}
