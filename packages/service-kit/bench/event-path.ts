// Benchmark of the event path: outbox commit → relay → JetStream → consumer → inbox commit.
// Prints throughput at saturation and latency at a steady paced rate, each next to a baseline measured in
// the same run (bare JetStream publish → pull consume, no SQLite), because this machine is shared and
// absolute numbers drift.
//
//   pnpm --filter @bazaar/service-kit bench [events] [paced-rate-per-second]
import { availableParallelism, cpus } from "node:os";
import { defineEvent, defineStream } from "@bazaar/contracts";
import { startTestNats } from "@bazaar/testing";
import { AckPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { sql } from "drizzle-orm";
import * as v from "valibot";
import { declareService } from "../src/index.js";
import { startTestService } from "../src/testing/index.js";

const N = Number(process.argv[2] ?? 5000);
const RATE = Number(process.argv[3] ?? 250);
const SYNC = process.env.BENCH_SYNC ?? "FULL";

/** A path under test: `send(i)` starts event i; `arrived(i)` must be called when it is applied. */
interface Path {
  send(i: number): void | Promise<void>;
  stop(): Promise<void>;
}

interface Result {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
}

let onArrived: (i: number) => void = () => {};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

/** Sends `count` events (as fast as possible, or at `rate` per second) and measures until all arrive. */
async function run(path: Path, count: number, rate?: number): Promise<Result> {
  const sent = new Float64Array(count);
  const latencies: number[] = [];
  const all = new Promise<void>((resolve) => {
    onArrived = (i) => {
      latencies.push(performance.now() - (sent[i] ?? 0));
      if (latencies.length === count) resolve();
    };
  });
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    if (rate) {
      const due = started + (i * 1000) / rate;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    sent[i] = performance.now();
    await path.send(i);
    if (!rate && i % 50 === 49) await new Promise((r) => setImmediate(r));
  }
  await all;
  return {
    rate: count / ((performance.now() - started) / 1000),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
  };
}

async function barePath(url: string, name: string): Promise<Path> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name, subjects: [`${name}.>`] });
  await jsm.consumers.add(name, { durable_name: "c", ack_policy: AckPolicy.Explicit });
  const js = jetstream(nc);
  const messages = await (await js.consumers.get(name, "c")).consume({ max_messages: 256 });
  void (async () => {
    for await (const m of messages) {
      m.ack();
      onArrived(m.json<{ i: number }>().i);
    }
  })();
  let inflight: Promise<unknown>[] = [];
  return {
    async send(i) {
      inflight.push(js.publish(`${name}.x`, JSON.stringify({ i }), { msgID: `${name}-${i}` }));
      if (inflight.length >= 64) {
        await Promise.all(inflight);
        inflight = [];
      }
    },
    async stop() {
      await Promise.all(inflight);
      messages.stop();
      await nc.close();
    },
  };
}

async function kitPath(url: string, name: string): Promise<Path> {
  const stream = defineStream({
    name: name.toUpperCase(),
    owner: `${name}-producer`,
    subjects: [`evt.${name}.>`],
    description: "benchmark",
  });
  const tick = defineEvent({
    type: `${name}.ticked`,
    version: 1,
    publisher: `${name}-producer`,
    stream,
    description: "bench",
    data: v.object({ i: v.number() }),
  });
  const table = { name: "t", migrations: ["CREATE TABLE t (i INTEGER PRIMARY KEY)"] };
  const producer = declareService({
    name: `${name}-producer`,
    version: "1.0.0",
    description: "bench",
    store: { schema: {}, modules: [table] },
    emits: [tick],
  });
  const consumer = declareService({
    name: `${name}-consumer`,
    version: "1.0.0",
    description: "bench",
    store: { schema: {}, modules: [table] },
  });
  const env = { SQLITE_SYNCHRONOUS: SYNC };
  const c = await startTestService(
    consumer.define({
      consumes: [
        consumer.on(tick, (event, ctx) => {
          ctx.tx.run(sql`INSERT INTO t (i) VALUES (${event.data.i})`);
          const i = event.data.i;
          queueMicrotask(() => onArrived(i));
        }),
      ],
    }),
    { natsUrl: url, env },
  );
  const p = await startTestService(producer.define({}), { natsUrl: url, env });
  // Measure the steady state, not start-up: wait until the consumer is pulling.
  while ((await c.runtime.health()).status !== "pass") await new Promise((r) => setTimeout(r, 20));
  return {
    send(i) {
      p.runtime.transaction((tx, outbox) => {
        tx.run(sql`INSERT INTO t (i) VALUES (${i})`);
        outbox.emit(tick, { i });
      });
    },
    async stop() {
      await p.stop();
      await c.stop();
    },
  };
}

const nats = await startTestNats();
try {
  const fmt = (r: Result): string =>
    `${r.rate.toFixed(0)} events/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`;
  const measure = async (make: (n: string) => Promise<Path>, label: string): Promise<[Result, Result]> => {
    const saturated = await make(`${label}sat`);
    const sat = await run(saturated, N);
    await saturated.stop();
    const steady = await make(`${label}pace`);
    const paced = await run(steady, Math.min(N, RATE * 4), RATE);
    await steady.stop();
    return [sat, paced];
  };
  const [bareSat, barePaced] = await measure((n) => barePath(nats.url, n), "bare");
  const [kitSat, kitPaced] = await measure((n) => kitPath(nats.url, n), "kit");
  console.log(
    `event path benchmark: ${N} events, ${availableParallelism()} cores (${cpus()[0]?.model ?? "?"}), node ${process.version}, nats-server ${nats.version}, SQLite synchronous=${SYNC}`,
  );
  console.log("saturated (send as fast as possible):");
  console.log(`  baseline, bare JetStream:          ${fmt(bareSat)}`);
  console.log(`  kit, outbox → relay → inbox:       ${fmt(kitSat)}`);
  console.log(`  ratio kit/baseline throughput:     ${(kitSat.rate / bareSat.rate).toFixed(2)}`);
  console.log(`steady (${RATE} events/s):`);
  console.log(`  baseline, bare JetStream:          ${fmt(barePaced)}`);
  console.log(`  kit, outbox → relay → inbox:       ${fmt(kitPaced)}`);
  console.log(
    `  ratio kit/baseline latency:        p50 ${(kitPaced.p50 / barePaced.p50).toFixed(2)}, p99 ${(kitPaced.p99 / barePaced.p99).toFixed(2)}`,
  );
} finally {
  await nats.dispose();
}
