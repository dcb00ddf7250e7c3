// Shared by the engine's tests: a saga database in a temp file, an engine over it with fast retries, and a
// recorder of every call and hook.
import { applySchemaModules, createLogger, type Logger } from "@bazaar/service-kit/platform";
import { tempSqliteFile } from "@bazaar/testing";
import Database from "better-sqlite3";
import { afterEach } from "vitest";
import { SagaEngine, type SagaEngineOptions } from "../saga-engine.js";
import { sagaSchema } from "../schema.js";
import type {
  AttentionNeeded,
  SagaDefinition,
  SagaRetryPolicy,
  SagaSnapshot,
  SagaStep,
  StuckSaga,
} from "../types.js";

export type Data = { orderId: string; paymentId?: string };
export const log: Logger = createLogger({ service: "saga-test", instance: "t", level: "silent" });
const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

export function open(path?: string): { sqlite: Database.Database; path: string } {
  const file = path ?? tempSqliteFile("saga.db");
  const p = typeof file === "string" ? file : file.path;
  if (typeof file !== "string") cleanups.push(() => file.dir.dispose());
  const sqlite = new Database(p);
  applySchemaModules(sqlite, [sagaSchema]);
  return { sqlite, path: p };
}

export interface Recorder {
  calls: string[];
  completed: SagaSnapshot<Data>[];
  compensated: Array<{ saga: SagaSnapshot<Data>; reason: string }>;
  attention: AttentionNeeded[];
  stuck: StuckSaga[];
}

type EngineExtras = Partial<
  Pick<SagaEngineOptions<Data, undefined, undefined>, "concurrency" | "sweepIntervalMs" | "stuckAfterCrashes">
>;

export function engineFor(
  sqlite: Database.Database,
  steps: SagaStep<Data>[],
  rec: Recorder,
  retry: Partial<SagaRetryPolicy> = {},
  pivot?: string,
  extras: EngineExtras & { onCompleted?: () => void; onTransaction?: () => void } = {},
) {
  const definition: SagaDefinition<Data, undefined, undefined> = {
    type: "test",
    steps,
    ...(pivot ? { pivot } : {}),
    hooks: {
      onCompleted: (_tx, _o, saga) => {
        extras.onCompleted?.();
        rec.completed.push(saga);
      },
      onCompensated: (_tx, _o, saga, reason) => rec.compensated.push({ saga, reason }),
      onRequiresAttention: (_tx, _o, _saga, failure) => rec.attention.push(failure),
      onStuck: (_tx, _o, _saga, stuck) => rec.stuck.push(stuck),
    },
  };
  return new SagaEngine<Data, undefined, undefined>({
    sqlite,
    transaction: (fn) => {
      extras.onTransaction?.();
      return sqlite.transaction(() => fn(undefined, undefined))();
    },
    definition,
    log,
    concurrency: extras.concurrency,
    sweepIntervalMs: extras.sweepIntervalMs,
    stuckAfterCrashes: extras.stuckAfterCrashes,
    retry: {
      baseDelayMs: 20,
      maxDelayMs: 200,
      stepBudgetMs: 2_000,
      compensationAttempts: 3,
      compensationBudgetMs: 0,
      // Parking waits for an operator at once unless a test turns the automatic rounds on.
      autoRetries: 0,
      autoRetryBaseMs: 50,
      autoRetryMaxMs: 200,
      ...retry,
    },
  });
}

export const recorder = (): Recorder => ({
  calls: [],
  completed: [],
  compensated: [],
  attention: [],
  stuck: [],
});
export const step = (
  rec: Recorder,
  name: string,
  behave: { execute?: () => Promise<Partial<Data> | undefined>; compensate?: () => Promise<void> } = {},
): SagaStep<Data> => ({
  name,
  async execute(ctx) {
    rec.calls.push(`${name}:${ctx.idempotencyKey}`);
    return behave.execute ? behave.execute() : undefined;
  },
  async compensate(ctx) {
    rec.calls.push(`undo-${name}:${ctx.idempotencyKey}`);
    if (behave.compensate) await behave.compensate();
  },
});

export function start(
  engine: SagaEngine<Data, undefined, undefined>,
  sqlite: Database.Database,
  orderId = "o-1",
): string {
  return sqlite.transaction(() => engine.create(orderId, { orderId }))();
}
