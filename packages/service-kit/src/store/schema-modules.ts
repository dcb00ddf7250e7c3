import type Database from "better-sqlite3";

/**
 * A `SchemaModule` is a set of tables a shared package keeps inside a service's SQLite file (the kit's
 * outbox and inbox, the saga engine's state). Its migrations are plain SQL, applied in order once each,
 * tracked in `kit_schema_migrations`; never edit a released one, append a new one.
 */
export interface SchemaModule {
  readonly name: string;
  readonly migrations: readonly string[];
}

/** `applySchemaModules` brings each module's tables up to date, each migration in its own transaction. */
export function applySchemaModules(sqlite: Database.Database, modules: readonly SchemaModule[]): void {
  sqlite.exec(`CREATE TABLE IF NOT EXISTS kit_schema_migrations (
    module TEXT NOT NULL,
    version INTEGER NOT NULL,
    applied_at INTEGER NOT NULL,
    PRIMARY KEY (module, version)
  ) WITHOUT ROWID`);
  const applied = sqlite.prepare<[string], { version: number }>(
    "SELECT max(version) AS version FROM kit_schema_migrations WHERE module = ?",
  );
  const record = sqlite.prepare(
    "INSERT INTO kit_schema_migrations (module, version, applied_at) VALUES (?, ?, ?)",
  );
  for (const module of modules) {
    const current = applied.get(module.name)?.version ?? 0;
    module.migrations.forEach((sql, index) => {
      const version = index + 1;
      if (version <= current) return;
      sqlite.transaction(() => {
        sqlite.exec(sql);
        record.run(module.name, version, Date.now());
      })();
    });
  }
}
