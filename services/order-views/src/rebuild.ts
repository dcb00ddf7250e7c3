import { randomUUID } from "node:crypto";
import { type EventEnvelope, orderViews } from "@bazaar/contracts";
import { ConflictError, type Logger, replayEvents, type ServiceRuntime } from "@bazaar/service-kit";
import { eq } from "drizzle-orm";
import type * as v from "valibot";
import { orderViewsNext, rebuildState } from "./db/schema.js";
import { SOURCE_EVENTS, type ViewsDb } from "./declaration.js";
import { project } from "./projection.js";
import { switchOver } from "./switch-over.js";

const { MAX_NAMED_SKIPS } = orderViews;

export type RebuildStatus = v.InferOutput<typeof orderViews.RebuildStatus>;

type Runtime = Pick<ServiceRuntime, "nats" | "log" | "partition"> & {
  readonly config: { readonly PARTITIONS: number };
  transaction: <T>(fn: (tx: ViewsDb) => T) => T;
  db: ViewsDb;
};

const IDLE: RebuildStatus = {
  rebuildId: null,
  state: "idle",
  processed: 0,
  total: 0,
  skipped: 0,
  skippedEvents: [],
  mode: null,
  startedAt: null,
  finishedAt: null,
  error: null,
};
const BATCH = 500;

/**
 * `Rebuilder` builds a fresh read model by replaying the source streams from their first message into
 * `order_views_next`, then switches over into `order_views` in one transaction (see `switchOver`).
 *
 * While it runs, the live consumers write every event to both tables, so nothing that arrives during the
 * replay is missed; the projection ignores repeats and order, so overlap between the replay and the live
 * writes is harmless. A message that fails its contract is skipped, counted and named in the status (the
 * live consumers dead-lettered it): it never stops the rebuild.
 */
export class Rebuilder {
  #status: RebuildStatus = IDLE;
  readonly #runtime: Runtime;
  readonly #beforeSwitch: (() => Promise<void>) | undefined;
  readonly #abort = new AbortController();

  /**
   * Restores the last status; a rebuild cut short by a restart is marked failed. `beforeSwitch` runs after
   * the replay caught up and before the switch (tests use it to interleave live events).
   */
  constructor(options: { readonly runtime: Runtime; readonly beforeSwitch?: () => Promise<void> }) {
    this.#runtime = options.runtime;
    this.#beforeSwitch = options.beforeSwitch;
    const row = this.#runtime.db.select().from(rebuildState).where(eq(rebuildState.id, 1)).get();
    if (!row) return;
    const { id: _id, ...status } = row;
    this.#status =
      status.state === "running" ? { ...status, state: "failed", error: "interrupted by a restart" } : status;
    if (status.state === "running") this.#save();
  }

  /** True while live events must also go to the table being rebuilt. */
  get active(): boolean {
    return this.#status.state === "running";
  }

  status(): RebuildStatus {
    return this.#status;
  }

  /** Starts a rebuild in the background and returns its first status. */
  start(): RebuildStatus {
    const runtime = this.#runtime;
    if (this.active)
      throw new ConflictError("a rebuild is already running", {
        reason: "REBUILD_RUNNING",
        details: { rebuildId: this.#status.rebuildId },
      });
    runtime.transaction((tx) => tx.delete(orderViewsNext).run());
    this.#status = {
      ...IDLE,
      rebuildId: randomUUID(),
      state: "running",
      startedAt: new Date().toISOString(),
    };
    this.#save();
    void this.#run(runtime, runtime.log.child({ rebuildId: this.#status.rebuildId }));
    return this.#status;
  }

  /** Resolves when the current rebuild (if any) ends. */
  async settled(pollMs = 50): Promise<RebuildStatus> {
    while (this.active) await new Promise((r) => setTimeout(r, pollMs));
    return this.#status;
  }

  async #run(runtime: Runtime, log: Logger): Promise<void> {
    let pending: EventEnvelope[] = [];
    const flush = (): void => {
      const batch = pending;
      pending = [];
      runtime.transaction((tx) => {
        for (const event of batch) project(tx, orderViewsNext, event);
      });
    };
    try {
      log.info("read model rebuild started");
      const result = await replayEvents({
        js: runtime.nats.js,
        jsm: runtime.nats.jsm,
        signal: this.#abort.signal,
        events: SOURCE_EVENTS,
        // A partition rebuilds its own file from its own events.
        partitions: runtime.config.PARTITIONS,
        ...(runtime.partition === undefined ? {} : { partition: runtime.partition }),
        onEvent: (event) => {
          pending.push(event);
          if (pending.length >= BATCH) flush();
        },
        onSkip: (skip) => {
          log.warn(skip, "rebuild skipped a message that fails its contract");
          const named = this.#status.skippedEvents;
          this.#status = {
            ...this.#status,
            skipped: this.#status.skipped + 1,
            skippedEvents: named.length < MAX_NAMED_SKIPS ? [...named, skip] : named,
          };
        },
        onProgress: (p) => {
          this.#status = { ...this.#status, processed: p.processed, total: p.total };
          this.#save();
        },
      });
      if (this.#abort.signal.aborted) throw new Error("stopped before it finished");
      flush();
      await this.#beforeSwitch?.();
      // Streams keep a limited history (max age, max bytes): once any source stream lost its first message
      // (also when it lost all of them), the rebuilt rows lack those orders' early events, so they are merged
      // over the live model instead of replacing its rows.
      const mode = result.complete ? "replace" : "merge";
      const { applied, untouched } = runtime.transaction((tx) => {
        const counts = switchOver(tx, mode);
        this.#status = {
          ...this.#status,
          state: "completed",
          processed: result.processed,
          total: result.total,
          skipped: result.skipped,
          mode,
          finishedAt: new Date().toISOString(),
        };
        this.#save(tx);
        return counts;
      });
      log.info(
        { processed: result.processed, skipped: result.skipped, mode, applied, untouched },
        "read model rebuilt and switched over",
      );
    } catch (err) {
      this.#status = {
        ...this.#status,
        state: "failed",
        finishedAt: new Date().toISOString(),
        error: err instanceof Error ? err.message : String(err),
      };
      try {
        this.#save();
      } catch {
        // The store is closed (shutdown): the next start marks the rebuild as interrupted anyway.
      }
      log.error({ err }, "read model rebuild failed; the live model is unchanged");
    }
  }

  /** Stops a running rebuild (at shutdown); the live model is left as it was. */
  stop(): void {
    this.#abort.abort();
  }

  #save(tx?: ViewsDb): void {
    const write = (db: ViewsDb): void => {
      db.insert(rebuildState)
        .values({ id: 1, ...this.#status })
        .onConflictDoUpdate({ target: rebuildState.id, set: this.#status })
        .run();
    };
    if (tx) write(tx);
    else this.#runtime.transaction(write);
  }
}
