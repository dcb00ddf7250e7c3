import { join } from "node:path";
import { answers, type SystemUnderTest, startSystem, waitUntil } from "@bazaar/system-harness";
import Database from "better-sqlite3";
import { type HttpTarget, PEERS, startPeer } from "../peers/fleet.js";
import { type OtlpSink, startOtlpSink } from "../peers/otlp-sink.js";
import { compilePeers } from "../peers/peer-process.js";
import { BENCH_SYSTEM, type BenchContext, PRODUCTION_ENV, READ_SKU } from "./context.js";

/** Bazaar (processes mode, production settings) and every peer, running side by side on one broker. */
export interface ReadSession {
  readonly system: SystemUnderTest;
  /** The same build with tracing on (every request sampled, exported over OTLP to `sink`). */
  readonly traced: SystemUnderTest;
  readonly sink: OtlpSink;
  /** Bazaar's gateway first, then Bazaar traced, then the peers. */
  readonly targets: readonly HttpTarget[];
  /** Idle RSS (MB) per process right after everything was ready and settled. */
  readonly idleRssMb: Readonly<Record<string, Record<string, number>>>;
  stop(): Promise<void>;
}

/** What the traced system adds to the production settings: OTLP/HTTP protobuf, every trace sampled. */
function tracingEnv(sink: OtlpSink): Record<string, string> {
  return {
    OTEL_EXPORTER_OTLP_ENDPOINT: sink.url,
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_TRACES_SAMPLER: "always_on",
  };
}

function bazaarTarget(name: string, description: string, system: SystemUnderTest, url: string): HttpTarget {
  return {
    name,
    description,
    url,
    readyMs: system.readyMs,
    pids: () => {
      const pids = system.pids();
      return { gateway: pids.gateway ?? -1, inventory: pids.inventory ?? -1 };
    },
    stop: async () => {},
  };
}

/**
 * `startReadSession` starts the production build twice (tracing off, as shipped, and on), then copies the inventory's products table (`VACUUM
 * INTO`) for the peers, so every stack reads the same rows from its own file, then starts each peer.
 */
export async function startReadSession(ctx: BenchContext): Promise<ReadSession> {
  const dir = join(ctx.runDir, "read");
  ctx.log("compiling the peers (tsc → test-artifacts/peers)");
  await compilePeers();
  ctx.log("starting Bazaar (processes mode, production build) for the read scenarios");
  const system = await startSystem({
    ...BENCH_SYSTEM,
    root: ctx.root,
    mode: "processes",
    services: ctx.services,
    folders: ctx.folders,
    dir,
    env: PRODUCTION_ENV,
  });
  ctx.log(`  ready in ${Math.round(system.readyMs)} ms`);
  const sink = await startOtlpSink();
  ctx.log("starting Bazaar again with tracing on (OTLP to a sink that only counts)");
  const traced = await startSystem({
    ...BENCH_SYSTEM,
    root: ctx.root,
    mode: "processes",
    services: ctx.services,
    folders: ctx.folders,
    dir: join(ctx.runDir, "read-traced"),
    env: { ...PRODUCTION_ENV, ...tracingEnv(sink) },
  });
  ctx.log(`  ready in ${Math.round(traced.readyMs)} ms`);
  const targets: HttpTarget[] = [];
  try {
    const url = `${system.gatewayUrl}/api/products/${READ_SKU}`;
    await waitUntil(() => answers(url), { timeoutMs: 30_000, what: `the gateway does not answer ${url}` });
    const peersDb = join(dir, "peers-products.db");
    const source = new Database(system.dbFile("inventory"), { fileMustExist: true });
    source.exec(`VACUUM INTO '${peersDb.replaceAll("'", "''")}'`);
    source.close();
    const tracedUrl = `${traced.gatewayUrl}/api/products/${READ_SKU}`;
    await waitUntil(() => answers(tracedUrl), {
      timeoutMs: 30_000,
      what: `the traced gateway does not answer`,
    });
    targets.push(
      bazaarTarget("bazaar", "Bazaar gateway → inventory (kit RPC over NATS), production build", system, url),
      bazaarTarget(
        "bazaar-traced",
        "the same with tracing on: every request sampled, spans exported over OTLP/HTTP protobuf",
        traced,
        tracedUrl,
      ),
    );
    for (const spec of PEERS) {
      const peer = await startPeer(spec, {
        natsUrl: system.broker.url,
        user: system.broker.operator.user,
        password: system.broker.operator.password,
        dbFile: peersDb,
        sku: READ_SKU,
        logDir: join(dir, "logs"),
      });
      ctx.log(`  ${peer.name} ready in ${Math.round(peer.readyMs)} ms`);
      targets.push(peer);
    }
  } catch (err) {
    await Promise.all(targets.map((t) => t.stop()));
    await Promise.all([system.stop(), traced.stop()]);
    await sink.stop();
    throw err;
  }
  await new Promise((r) => setTimeout(r, 3_000));
  const { sampleProc } = await import("../proc/proc-stat.js");
  const idle = (pids: Record<string, number>) =>
    Object.fromEntries(
      Object.entries(pids).map(([name, pid]) => [
        name,
        Math.round((sampleProc(pid)?.rssKb ?? 0) / 102.4) / 10,
      ]),
    );
  const idleRssMb: Record<string, Record<string, number>> = {
    bazaar: idle(system.pids()),
    "bazaar-traced": idle(traced.pids()),
  };
  for (const t of targets.slice(2)) idleRssMb[t.name] = idle(t.pids());
  return {
    system,
    traced,
    sink,
    targets,
    idleRssMb,
    async stop() {
      await Promise.all(targets.map((t) => t.stop()));
      await Promise.all([system.stop(), traced.stop()]);
      await sink.stop();
    },
  };
}
