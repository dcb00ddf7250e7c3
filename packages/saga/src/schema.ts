import type { SchemaModule } from "@bazaar/service-kit/platform";

/**
 * The saga engine's tables, kept in the owning service's SQLite file so a saga's state commits with the
 * service's own data (the order and its saga are created in one transaction).
 */
export const sagaSchema: SchemaModule = {
  name: "saga",
  migrations: [
    `CREATE TABLE saga_instances (
      saga_id TEXT PRIMARY KEY,
      type TEXT NOT NULL,
      correlation_id TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('running', 'compensating', 'completed', 'compensated', 'requires_attention')),
      data TEXT NOT NULL,
      current_step INTEGER NOT NULL DEFAULT 0,
      failure_reason TEXT,
      cancel_reason TEXT,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
    CREATE INDEX saga_instances_status ON saga_instances (status, created_at);
    CREATE INDEX saga_instances_correlation ON saga_instances (correlation_id);
    CREATE TABLE saga_steps (
      saga_id TEXT NOT NULL REFERENCES saga_instances (saga_id) ON DELETE CASCADE,
      idx INTEGER NOT NULL,
      name TEXT NOT NULL,
      status TEXT NOT NULL CHECK (status IN ('pending', 'running', 'done', 'failed', 'compensating', 'compensated')),
      needs_compensation INTEGER NOT NULL DEFAULT 0,
      attempts INTEGER NOT NULL DEFAULT 0,
      compensation_attempts INTEGER NOT NULL DEFAULT 0,
      started_at TEXT,
      finished_at TEXT,
      last_error TEXT,
      PRIMARY KEY (saga_id, idx)
    ) WITHOUT ROWID;
    CREATE TABLE saga_history (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      saga_id TEXT NOT NULL REFERENCES saga_instances (saga_id) ON DELETE CASCADE,
      at TEXT NOT NULL,
      step TEXT,
      phase TEXT NOT NULL,
      outcome TEXT NOT NULL,
      attempt INTEGER,
      duration_ms REAL,
      error TEXT,
      message TEXT
    );
    CREATE INDEX saga_history_saga ON saga_history (saga_id, seq);`,
    // Why a saga waits for an operator, kept apart from the failure that started its compensation (the
    // customer's reason), and in which phase, so a retry resumes forward or backward as it stopped.
    `ALTER TABLE saga_instances ADD COLUMN attention_phase TEXT CHECK (attention_phase IN ('execute', 'compensate'));
    ALTER TABLE saga_instances ADD COLUMN attention_reason TEXT;`,
    // A saga that would park for an operator first waits and retries by itself: when (wake_at, epoch ms)
    // and how many rounds it has had. The sweep wakes sagas whose time has come.
    `ALTER TABLE saga_instances ADD COLUMN wake_at INTEGER;
    ALTER TABLE saga_instances ADD COLUMN auto_retries INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX saga_instances_wake ON saga_instances (status, wake_at);`,
    // The trace the saga started in (the request that placed the order), so an operator goes from the
    // saga to its waterfall; null for sagas started before this column, or with no trace.
    "ALTER TABLE saga_instances ADD COLUMN trace_id TEXT;",
  ],
};
