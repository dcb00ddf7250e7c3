import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { type BetterSQLite3Database, drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { kitSchema } from "./kit-schema.js";
import { applySchemaModules, type SchemaModule } from "./schema-modules.js";

export type DrizzleSchema = Record<string, unknown>;
export type Db<TSchema extends DrizzleSchema> = BetterSQLite3Database<TSchema>;

export interface OpenStoreOptions<TSchema extends DrizzleSchema> {
  readonly file: string;
  readonly schema: TSchema;
  /** Absolute path of the service's drizzle migrations (resolved from its package, not the cwd). */
  readonly migrationsFolder?: string | undefined;
  /** Tables of shared packages (the kit's are always added). */
  readonly modules?: readonly SchemaModule[];
  readonly synchronous?: "FULL" | "NORMAL";
}

/** A service's SQLite file: the raw connection (for the kit) and the typed drizzle handle (for the service). */
export interface Store<TSchema extends DrizzleSchema> {
  readonly file: string;
  readonly sqlite: Database.Database;
  readonly db: Db<TSchema>;
  /** A read round trip through SQLite (readiness writes: see health/store-write-check.ts). */
  check(): void;
  close(): void;
}

/** Thrown when migrations leave rows that violate foreign keys. */
export class StoreMigrationError extends Error {
  override readonly name = "StoreMigrationError";
}

/**
 * `openStore` opens (or creates) the service's SQLite file with WAL and a busy timeout, applies the kit's
 * tables, then the service's drizzle migrations with foreign keys off (drizzle's table rebuilds would
 * otherwise cascade deletes), checks foreign keys, and turns them on.
 */
export function openStore<TSchema extends DrizzleSchema>(options: OpenStoreOptions<TSchema>): Store<TSchema> {
  mkdirSync(dirname(options.file), { recursive: true });
  const sqlite = new Database(options.file);
  try {
    sqlite.pragma("journal_mode = WAL");
    sqlite.pragma("busy_timeout = 5000");
    sqlite.pragma(`synchronous = ${options.synchronous ?? "FULL"}`);
    sqlite.pragma("foreign_keys = OFF");
    applySchemaModules(sqlite, [kitSchema, ...(options.modules ?? [])]);
    const db = drizzle(sqlite, { schema: options.schema });
    if (options.migrationsFolder) migrate(db, { migrationsFolder: options.migrationsFolder });
    const violations = sqlite.pragma("foreign_key_check") as unknown[];
    if (violations.length > 0) {
      throw new StoreMigrationError(
        `${options.file}: ${violations.length} foreign key violation(s) after migrations: ${JSON.stringify(violations.slice(0, 5))}`,
      );
    }
    sqlite.pragma("foreign_keys = ON");
    const probe = sqlite.prepare("SELECT 1 AS ok");
    return {
      file: options.file,
      sqlite,
      db,
      check() {
        probe.get();
      },
      close() {
        if (sqlite.open) sqlite.close();
      },
    };
  } catch (err) {
    sqlite.close();
    throw err;
  }
}
