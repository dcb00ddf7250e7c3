import type { SystemUnderTest } from "@bazaar/system-harness";
import type { FinalState, ServiceFinding, StoreState } from "../check/final-state.js";
import type { ClientSettings } from "../client/careful-client.js";
import type { Session } from "../client/session.js";
import { collectOrders } from "./collect-orders.js";
import { readStore, serviceFindings } from "./collect-stores.js";
import { collectStreams } from "./collect-streams.js";
import { collectProducts, collectViews } from "./collect-views.js";
import { unionStore } from "./union-store.js";

export interface CollectOptions {
  readonly system: SystemUnderTest;
  readonly folders: ReadonlyMap<string, string>;
  readonly settings: ClientSettings;
  readonly admin: Session;
  readonly customers: readonly Session[];
  readonly acknowledged: readonly string[];
  readonly unitsAdded: ReadonlyMap<string, number>;
  readonly users: ReadonlyArray<{ readonly userId: string; readonly email: string }>;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * `collectFinalState` reads the system's state at the end of a run from every side: the public API (the
 * write side, the read model, stock), the streams, and each service's SQLite file (read-only), where the
 * services' own invariants run. Whatever cannot be read is named in `gaps`.
 */
export async function collectFinalState(options: CollectOptions): Promise<FinalState> {
  const { system, settings, admin } = options;
  const gaps: string[] = [];
  const orders = await collectOrders({ settings, admin, acknowledged: options.acknowledged, gaps });
  const views = await collectViews(settings, options.customers, gaps);
  const products = await collectProducts(settings, admin, [...options.unitsAdded.keys()], gaps);
  const nc = await system.broker.connect("faults-collect");
  let streams: Awaited<ReturnType<typeof collectStreams>> = {
    streams: [],
    consumers: [],
    deadLetters: [],
    alertedOrders: [],
  };
  try {
    streams = await collectStreams(nc);
  } catch (err) {
    gaps.push(`streams: ${describe(err)}`);
  } finally {
    await nc.close();
  }
  const facts = {
    products: [...options.unitsAdded].map(([sku, unitsAdded]) => ({ sku, unitsAdded })),
    users: options.users,
    orders,
    alertedOrders: streams.alertedOrders,
  };
  const stores: StoreState[] = [];
  const findings: ServiceFinding[] = [];
  for (const service of system.services.filter((s) => s.usesSqlite)) {
    const folder = options.folders.get(service.name) ?? "";
    const files = system.dbFiles(service.name);
    try {
      if (files.length === 0) throw new Error("no file found");
      for (const file of files) stores.push(readStore({ service: service.name, file, folder }));
      // A partitioned service's invariants hold of its whole data: all its partitions together.
      const file = files.length === 1 ? (files[0] as string) : unionStore(service.name, files);
      findings.push(...(await serviceFindings({ service: service.name, file, folder }, facts)));
    } catch (err) {
      gaps.push(`${service.name}'s SQLite file: ${describe(err)}`);
    }
  }
  return {
    collectedAt: Date.now(),
    orders,
    views,
    products,
    ...streams,
    stores,
    serviceFindings: findings,
    gaps,
  };
}
