import { extname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DrizzleSchema, openStore, type Store } from "../../store/open-store.js";
import type { ServiceDefinition } from "../types.js";
import type { ServiceConfig } from "./service-config.js";

function migrationsPath(migrations: URL | string | undefined): string | undefined {
  if (!migrations) return undefined;
  return migrations instanceof URL ? fileURLToPath(migrations) : resolve(migrations);
}

/**
 * `partitionFile` is one partition's file beside the service's: `orders.db` becomes `orders.p3.db`. Each
 * partition's outbox, inbox, idempotency and saga tables live in it, so what commits together stays in one
 * file, and a handover moves the file.
 */
export function partitionFile(file: string, partition: number): string {
  const ext = extname(file);
  return `${file.slice(0, file.length - ext.length)}.p${partition}${ext}`;
}

/** `serviceFile` is where the service keeps its SQLite file (`DB_FILE`, else `<DATA_DIR>/<service>.db`), or one partition's. */
export function serviceFile(def: ServiceDefinition, config: ServiceConfig, partition?: number): string {
  const file = config.DB_FILE ?? join(config.DATA_DIR, `${def.name}.db`);
  return partition === undefined ? file : partitionFile(file, partition);
}

/**
 * `openServiceStore` opens and migrates the service's own SQLite file (or, given a partition, that
 * partition's), if it declares one.
 */
export function openServiceStore(
  def: ServiceDefinition,
  config: ServiceConfig,
  partition?: number,
): Store<DrizzleSchema> | undefined {
  if (!def.store) return undefined;
  return openStore({
    file: serviceFile(def, config, partition),
    schema: def.store.schema,
    migrationsFolder: migrationsPath(def.store.migrations),
    modules: def.store.modules ?? [],
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
}
