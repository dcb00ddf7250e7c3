import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import {
  currentScope,
  type Logger,
  NO_TELEMETRY,
  NotFoundError,
  type ServiceMetrics,
  sleep,
  type Telemetry,
} from "@bazaar/service-kit/platform";
import type Database from "better-sqlite3";
import { RunQueue } from "./run-queue.js";
import { type SagaMetrics, sagaMetrics } from "./saga-metrics.js";
import { unpark } from "./saga-parking.js";
import { compensateNext, executeStep, message, recordStart, type StepRunner } from "./saga-steps.js";
import { createSagaStore, type SagaRecord, type SagaStore } from "./saga-store.js";
import { traced } from "./saga-tracing.js";
import type {
  SagaDefinition,
  SagaListOptions,
  SagaRetryPolicy,
  SagaSnapshot,
  SagaSummary,
  SagaView,
  StepContext,
} from "./types.js";

export interface SagaEngineOptions<TData, TTx, TOutbox> {
  readonly sqlite: Database.Database;
  /** The service's transaction function: engine writes and hooks commit together. */
  readonly transaction: <T>(fn: (tx: TTx, outbox: TOutbox) => T) => T;
  readonly definition: SagaDefinition<TData, TTx, TOutbox>;
  readonly log: Logger;
  readonly retry?: Partial<SagaRetryPolicy>;
  /** Sagas driven at once by resume, the sweep and bulk retry (new sagas run at once). Default 8. */
  readonly concurrency?: number | undefined;
  /** How often unfinished sagas that nothing drives are resumed, and waits that are over end. Default 10 s. */
  readonly sweepIntervalMs?: number | undefined;
  /** Crashes in a row of one saga's loop before `onStuck` raises the alarm. Default 3. */
  readonly stuckAfterCrashes?: number | undefined;
  /** Where the saga gauges and counters are registered (the service's metrics registry). */
  readonly registry?: ServiceMetrics["registry"];
  /** Spans of each run of a saga and of each step (the service's `runtime.telemetry`). */
  readonly telemetry?: Telemetry;
}

const DEFAULT_RETRY: SagaRetryPolicy = {
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  stepBudgetMs: 30_000,
  compensationAttempts: 6,
  compensationBudgetMs: 60_000,
  autoRetries: 6,
  autoRetryBaseMs: 60_000,
  autoRetryMaxMs: 30 * 60_000,
};

/**
 * `SagaEngine` runs one kind of saga durably. Every state change is written to SQLite before the call it
 * announces is made, so after a crash `resume()` continues each unfinished saga from its last recorded
 * state. A step that fails transiently (timeout, unavailable) is retried with exponential backoff within a
 * time budget; a business failure, or a step that exhausts its budget, triggers compensation of completed
 * steps in reverse order (including the uncertain one: it may have taken effect). Compensations retry with
 * backoff; one that still fails parks the saga in `requires_attention` until an operator calls `retry`.
 * A saga never runs twice at once in this process: runs are single-flight per saga id.
 */
export class SagaEngine<TData extends object, TTx = unknown, TOutbox = unknown> {
  readonly #o: SagaEngineOptions<TData, TTx, TOutbox>;
  readonly #store: SagaStore;
  readonly #retry: SagaRetryPolicy;
  readonly #runner: StepRunner<TData, TTx, TOutbox>;
  readonly #abort = new AbortController();
  /** Runs, single-flight per saga; background ones (resume, sweep, bulk retry) wait for a place. */
  readonly #runs: RunQueue;
  /** Consecutive crashes of a saga's loop, by saga id (cleared by a run that ends cleanly). */
  readonly #crashes = new Map<string, number>();
  #sweeper: NodeJS.Timeout | undefined;
  /**
   * Steps whose first attempt an earlier commit recorded (`saga-id:step`). Only saves a commit: a step not
   * found here (after a restart, say) records its start again, as one more attempt in its timeline.
   */
  readonly #started = new Set<string>();
  readonly #metrics: SagaMetrics | undefined;
  #stopping = false;

  constructor(options: SagaEngineOptions<TData, TTx, TOutbox>) {
    this.#o = options;
    this.#store = createSagaStore(options.sqlite);
    // Every in-flight call of every running saga listens to this one signal: hundreds is normal, not a leak.
    setMaxListeners(0, this.#abort.signal);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#runs = new RunQueue({
      concurrency: options.concurrency ?? 8,
      work: (sagaId) =>
        this.#drive(sagaId).then(
          () => {
            this.#crashes.delete(sagaId);
          },
          (err: unknown) => this.#crashed(sagaId, err),
        ),
    });
    this.#metrics =
      options.registry &&
      sagaMetrics({
        registry: options.registry,
        type: options.definition.type,
        counts: () => {
          const { queued: _, ...counts } = this.counts();
          return counts;
        },
      });
    this.#runner = {
      store: this.#store,
      transaction: options.transaction,
      definition: options.definition,
      retry: this.#retry,
      log: options.log,
      telemetry: options.telemetry ?? NO_TELEMETRY,
      stopping: () => this.#stopping,
      sleep: (ms) => sleep(ms, this.#abort.signal),
      context: (saga, step, attempt, phase) => this.#context(saga, step, attempt, phase),
      beginCompensation: (saga, reason) => this.#beginCompensation(saga, reason),
      finish: (saga, status) => this.#finish(saga, status),
      finishWithin: (tx, outbox, sagaId, status) => this.#finishWrites(tx, outbox, sagaId, status),
      snapshot: (sagaId) => this.#snapshot(sagaId),
      markStarted: (sagaId, idx) => this.#markStarted(sagaId, idx),
      takeStarted: (sagaId, idx) => this.#started.delete(`${sagaId}:${idx}`),
    };
  }

  get type(): string {
    return this.#o.definition.type;
  }

  /** Records a new saga. Call inside the transaction that creates its owner, then `run` it after commit. */
  create(correlationId: string, data: TData, sagaId: string = randomUUID()): string {
    this.#store.create({
      sagaId,
      type: this.type,
      correlationId,
      data,
      steps: this.#o.definition.steps.map((s) => s.name),
      traceId: currentScope()?.trace.traceId,
    });
    this.#store.history({
      sagaId,
      phase: "saga",
      outcome: "started",
      message: `${this.type} saga for ${correlationId}`,
    });
    // The first step's start commits with the saga's creation, so the first call needs no commit before it.
    const first = this.#o.definition.steps[0];
    if (first) {
      recordStart(this.#store, sagaId, 0, first.name, 1);
      this.#markStarted(sagaId, 0);
    }
    return sagaId;
  }

  /** Runs (or joins the run of) a saga until it ends, waits, or the engine stops. Never rejects. */
  run(sagaId: string): Promise<void> {
    return this.#runs.run(sagaId);
  }

  /**
   * Resumes every unfinished saga (on start-up), `concurrency` at a time, and starts the sweep that from
   * then on resumes any saga nothing drives (its loop threw) and wakes sagas whose wait is over.
   */
  resume(): number {
    const ids = this.#store.due();
    this.#runs.enqueue(ids);
    if (ids.length > 0) this.#o.log.info({ sagas: ids.length }, "resuming unfinished sagas");
    this.#sweeper ??= setInterval(() => this.sweep(), this.#o.sweepIntervalMs ?? 10_000);
    this.#sweeper.unref();
    return ids.length;
  }

  /** One pass of the sweep: the unfinished sagas that are due and that nothing drives. Returns how many. */
  sweep(): number {
    if (this.#stopping) return 0;
    const idle = this.#store.due().filter((id) => !this.#runs.has(id));
    this.#metrics?.undriven.set(idle.length);
    this.#runs.enqueue(idle);
    return idle.length;
  }

  /** Sagas by state, and the ones whose loop keeps crashing: for readiness detail and the gauges. */
  counts() {
    return { ...this.#store.counts(), stuck: this.#crashes.size, queued: this.#runs.queued };
  }

  /**
   * Asks a running saga to stop and compensate. Returns false when it can no longer be cancelled (it
   * ended, or passed its `pivot` pivot). Call inside the owner's transaction.
   */
  requestCancel(sagaId: string, reason: string): boolean {
    const saga = this.#store.load(sagaId);
    if (!saga) throw new NotFoundError(`saga ${sagaId} not found`);
    if (saga.status !== "running") return saga.status === "compensating";
    const pivot = this.#o.definition.pivot
      ? this.#o.definition.steps.findIndex((s) => s.name === this.#o.definition.pivot)
      : -1;
    if (pivot >= 0 && saga.currentStep >= pivot) return false;
    if (this.#store.requestCancel(sagaId, reason)) {
      this.#store.history({ sagaId, phase: "saga", outcome: "info", message: `cancel requested: ${reason}` });
    }
    return true;
  }

  /**
   * Retries a saga that needs attention, in the phase it stopped in (forward past the pivot, else backward),
   * or ends the wait of one that waits to retry by itself.
   */
  retry(sagaId: string): SagaSummary {
    const summary = this.#o.transaction(() => {
      unpark(this.#store, sagaId);
      return this.summary(sagaId);
    });
    void this.run(sagaId);
    return summary;
  }

  /** Retries every saga that requires attention (up to `limit`, oldest first), `concurrency` at a time. */
  retryAll(limit = 1_000): { retried: number; sagaIds: string[] } {
    const sagaIds = this.#o.transaction(() => {
      const ids = this.#store.requiringAttention(limit);
      for (const id of ids) unpark(this.#store, id);
      return ids;
    });
    this.#runs.enqueue(sagaIds);
    if (sagaIds.length > 0) this.#o.log.info({ sagas: sagaIds.length }, "operator retried sagas in bulk");
    return { retried: sagaIds.length, sagaIds };
  }

  get(sagaId: string): SagaView | undefined {
    return this.#store.view(sagaId);
  }

  findByCorrelation(correlationId: string): SagaView | undefined {
    return this.#store.view(undefined, correlationId);
  }

  list(options: SagaListOptions) {
    return this.#store.list(options);
  }

  summary(sagaId: string): SagaSummary {
    const summary = this.#store.summary(sagaId);
    if (!summary) throw new NotFoundError(`saga ${sagaId} not found`);
    return summary;
  }

  /** Waits for running sagas to reach a step boundary (bounded), then stops. */
  async stop(timeoutMs = 10_000): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#sweeper);
    this.#abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.#runs.close(),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  /** A run whose loop threw: counted, and after a streak the owner is told; the sweep resumes it. */
  #crashed(sagaId: string, err: unknown): void {
    const crashes = (this.#crashes.get(sagaId) ?? 0) + 1;
    this.#crashes.set(sagaId, crashes);
    this.#metrics?.crashes.inc();
    this.#o.log.error({ err, sagaId, crashes }, "saga run crashed; the sweep resumes it");
    if (crashes !== (this.#o.stuckAfterCrashes ?? 3) || !this.#o.definition.hooks?.onStuck) return;
    try {
      this.#o.transaction((tx, outbox) =>
        this.#o.definition.hooks?.onStuck?.(tx, outbox, this.#snapshot(sagaId), {
          crashes,
          error: message(err),
        }),
      );
    } catch (alarmErr) {
      this.#o.log.error({ err: alarmErr, sagaId }, "could not record the stuck saga's alarm");
    }
  }

  /** One run of a saga, from where it stands to where it stops (done, parked or waiting), as one span. */
  #drive(sagaId: string): Promise<void> {
    return traced(
      this.#runner.telemetry,
      { name: `saga ${this.#o.definition.type}`, attributes: { "bazaar.saga.id": sagaId } },
      () => this.#driveSteps(sagaId),
    );
  }

  async #driveSteps(sagaId: string): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      const saga = this.#store.load(sagaId);
      if (!saga) return;
      // Waiting for an automatic retry: the sweep runs it when the time comes.
      if (saga.wakeAt !== null) {
        if (saga.wakeAt > Date.now()) return;
        this.#o.transaction(() => {
          if (this.#store.wake(sagaId))
            this.#store.history({ sagaId, phase: "saga", outcome: "info", message: "retrying by itself" });
        });
        continue;
      }
      if (saga.status === "running") {
        if (saga.cancelReason) {
          this.#o.transaction(() => this.#beginCompensation(saga, `cancelled: ${saga.cancelReason}`));
          continue;
        }
        if (saga.currentStep >= this.#o.definition.steps.length) {
          this.#finish(saga, "completed");
          return;
        }
        await executeStep(this.#runner, saga);
        continue;
      }
      if (saga.status === "compensating") {
        const done = await compensateNext(this.#runner, saga);
        if (done === "attention") return;
        continue;
      }
      return;
    }
  }

  /** Writes the switch to compensation; the caller holds the transaction (it may record more with it). */
  #beginCompensation(saga: SagaRecord, reason: string): void {
    this.#store.setStatus(saga.sagaId, "compensating", reason);
    this.#store.history({
      sagaId: saga.sagaId,
      phase: "saga",
      outcome: "info",
      message: `compensating: ${reason}`,
    });
  }

  #finish(saga: SagaRecord, status: "completed" | "compensated"): void {
    this.#o.transaction((tx, outbox) => this.#finishWrites(tx, outbox, saga.sagaId, status));
  }

  /** The saga's end and its owner's hook, inside the caller's transaction. */
  #finishWrites(tx: TTx, outbox: TOutbox, sagaId: string, status: "completed" | "compensated"): void {
    this.#store.setStatus(sagaId, status);
    this.#store.history({ sagaId, phase: "saga", outcome: "succeeded", message: status });
    const snapshot = this.#snapshot(sagaId);
    if (status === "completed") this.#o.definition.hooks?.onCompleted?.(tx, outbox, snapshot);
    else
      this.#o.definition.hooks?.onCompensated?.(
        tx,
        outbox,
        snapshot,
        snapshot.failureReason ?? "compensated",
      );
  }

  /** Bounded: marks of sagas whose creation rolled back are never taken, so the set is cleared now and then. */
  #markStarted(sagaId: string, idx: number): void {
    if (this.#started.size >= 10_000) this.#started.clear();
    this.#started.add(`${sagaId}:${idx}`);
  }

  #snapshot(sagaId: string): SagaSnapshot<TData> {
    const saga = this.#store.load(sagaId) as SagaRecord;
    return {
      sagaId,
      type: saga.type,
      correlationId: saga.correlationId,
      status: saga.status,
      data: saga.data as TData,
      failureReason: saga.failureReason,
    };
  }

  #context(
    saga: SagaRecord,
    stepName: string,
    attempt: number,
    phase: "execute" | "compensate" = "execute",
  ): StepContext<TData> {
    const fresh = this.#store.load(saga.sagaId) ?? saga;
    return {
      sagaId: saga.sagaId,
      correlationId: saga.correlationId,
      data: fresh.data as TData,
      idempotencyKey: `${saga.sagaId}:${stepName}${phase === "compensate" ? ":undo" : ""}`,
      attempt,
      log: this.#o.log.child({ sagaId: saga.sagaId, step: stepName, phase }),
      signal: this.#abort.signal,
    };
  }
}
