import { setTimeout as delay } from "node:timers/promises";
import type { SystemUnderTest } from "@bazaar/system-harness";
import { jetstreamManager } from "@nats-io/jetstream";
import { readStore } from "./collect-stores.js";
import type { collectStreams } from "./collect-streams.js";

/**
 * `waitForQuiet` waits until the system has nothing left in flight: every outbox drained and every
 * durable consumer caught up, seen twice in a row a second apart. Resolves with how long it took, or
 * undefined when `timeoutMs` passed first (the checker then reports what was left).
 */
export async function waitForQuiet(system: SystemUnderTest, timeoutMs: number): Promise<number | undefined> {
  const started = Date.now();
  const nc = await system.broker.connect("faults-quiet");
  try {
    let quietTimes = 0;
    while (Date.now() - started < timeoutMs) {
      if (await isQuiet(system, nc)) {
        if (++quietTimes === 2) return Date.now() - started;
      } else quietTimes = 0;
      await delay(1_000);
    }
    return undefined;
  } finally {
    await nc.close();
  }
}

async function isQuiet(system: SystemUnderTest, nc: Parameters<typeof collectStreams>[0]): Promise<boolean> {
  try {
    for (const service of system.services.filter((s) => s.usesSqlite)) {
      for (const file of system.dbFiles(service.name)) {
        const store = readStore({ service: service.name, file, folder: "" });
        if (store.outboxUnpublished + store.outboxParked > 0) return false;
      }
    }
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    for await (const stream of jsm.streams.list()) {
      for await (const c of jsm.consumers.list(stream.config.name)) {
        if (c.config.durable_name && (c.num_pending > 0 || c.num_ack_pending > 0)) return false;
      }
    }
    return true;
  } catch {
    return false;
  }
}
