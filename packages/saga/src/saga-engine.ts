import { randomUUID } from "node:crypto";
import { setMaxListeners } from "node:events";
import { ConflictError, type Logger, NotFoundError } from "@bazaar/service-kit";
import type Database from "better-sqlite3";
import { compensateNext, executeStep, type StepRunner } from "./saga-steps.js";
import { createSagaStore, type SagaRecord, type SagaStore } from "./saga-store.js";
import type {
  SagaDefinition,
  SagaRetryPolicy,
  SagaSnapshot,
  SagaStatus,
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
}

const DEFAULT_RETRY: SagaRetryPolicy = {
  baseDelayMs: 200,
  maxDelayMs: 5_000,
  stepBudgetMs: 30_000,
  compensationAttempts: 6,
  compensationBudgetMs: 60_000,
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
  readonly #running = new Map<string, Promise<void>>();
  readonly #runner: StepRunner<TData, TTx, TOutbox>;
  readonly #abort = new AbortController();
  #stopping = false;

  constructor(options: SagaEngineOptions<TData, TTx, TOutbox>) {
    this.#o = options;
    this.#store = createSagaStore(options.sqlite);
    // Every in-flight call of every running saga listens to this one signal: hundreds is normal, not a leak.
    setMaxListeners(0, this.#abort.signal);
    this.#retry = { ...DEFAULT_RETRY, ...options.retry };
    this.#runner = {
      store: this.#store,
      transaction: options.transaction,
      definition: options.definition,
      retry: this.#retry,
      log: options.log,
      stopping: () => this.#stopping,
      sleep: (ms) => this.#sleep(ms),
      context: (saga, step, attempt, phase) => this.#context(saga, step, attempt, phase),
      beginCompensation: (saga, reason) => this.#beginCompensation(saga, reason),
      finish: (saga, status) => this.#finish(saga, status),
      snapshot: (sagaId) => this.#snapshot(sagaId),
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
    });
    this.#store.history({
      sagaId,
      phase: "saga",
      outcome: "started",
      message: `${this.type} saga for ${correlationId}`,
    });
    return sagaId;
  }

  /** Runs (or joins the run of) a saga until it ends or the engine stops. Never rejects. */
  run(sagaId: string): Promise<void> {
    const current = this.#running.get(sagaId);
    if (current) return current;
    const run = this.#drive(sagaId)
      .catch((err: unknown) =>
        this.#o.log.error({ err, sagaId }, "saga run crashed; it resumes on the next start"),
      )
      .finally(() => this.#running.delete(sagaId));
    this.#running.set(sagaId, run);
    return run;
  }

  /** Resumes every unfinished saga (on start-up). */
  resume(): number {
    const ids = this.#store.unfinished();
    for (const id of ids) void this.run(id);
    if (ids.length > 0) this.#o.log.info({ sagas: ids.length }, "resuming unfinished sagas");
    return ids.length;
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

  /** Retries a saga that needs attention, in the phase it stopped in: forward past the pivot, else backward. */
  retry(sagaId: string): SagaSummary {
    const summary = this.#o.transaction(() => {
      const saga = this.#store.load(sagaId);
      if (!saga) throw new NotFoundError(`saga ${sagaId} not found`);
      if (saga.status !== "requires_attention")
        throw new ConflictError(
          `saga ${sagaId} is ${saga.status}; only a saga that requires attention can be retried`,
          { reason: "NOT_RETRYABLE" },
        );
      // Parked while undoing: the remaining compensations run. Parked past the pivot: the failed step runs
      // again, forward (the saga cannot be undone there). Sagas parked before this column existed compensate.
      const resume = saga.attentionPhase === "execute" ? "running" : "compensating";
      this.#store.clearAttention(sagaId, resume);
      this.#store.history({
        sagaId,
        phase: "saga",
        outcome: "info",
        message: `retried by an operator: ${resume === "running" ? "running the failed step again" : "compensating"}`,
      });
      return this.summary(sagaId);
    });
    void this.run(sagaId);
    return summary;
  }

  get(sagaId: string): SagaView | undefined {
    return this.#store.view(sagaId);
  }

  findByCorrelation(correlationId: string): SagaView | undefined {
    return this.#store.view(undefined, correlationId);
  }

  list(options: { status?: SagaStatus | undefined; limit: number; cursor?: string | undefined }) {
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
    this.#abort.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(this.#running.values()),
      new Promise((r) => {
        timer = setTimeout(r, timeoutMs);
      }),
    ]);
    clearTimeout(timer);
  }

  async #drive(sagaId: string): Promise<void> {
    for (;;) {
      if (this.#stopping) return;
      const saga = this.#store.load(sagaId);
      if (!saga) return;
      if (saga.status === "running") {
        if (saga.cancelReason) {
          this.#beginCompensation(saga, `cancelled: ${saga.cancelReason}`);
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

  #beginCompensation(saga: SagaRecord, reason: string): void {
    this.#o.transaction(() => {
      this.#store.setStatus(saga.sagaId, "compensating", reason);
      this.#store.history({
        sagaId: saga.sagaId,
        phase: "saga",
        outcome: "info",
        message: `compensating: ${reason}`,
      });
    });
  }

  #finish(saga: SagaRecord, status: "completed" | "compensated"): void {
    this.#o.transaction((tx, outbox) => {
      this.#store.setStatus(saga.sagaId, status);
      this.#store.history({ sagaId: saga.sagaId, phase: "saga", outcome: "succeeded", message: status });
      const snapshot = this.#snapshot(saga.sagaId);
      if (status === "completed") this.#o.definition.hooks?.onCompleted?.(tx, outbox, snapshot);
      else
        this.#o.definition.hooks?.onCompensated?.(
          tx,
          outbox,
          snapshot,
          snapshot.failureReason ?? "compensated",
        );
    });
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

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.#abort.signal;
      const done = (): void => {
        clearTimeout(timer);
        // Remove the listener too: thousands of retries must not pile listeners onto one signal.
        signal.removeEventListener("abort", done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener("abort", done, { once: true });
    });
  }
}
