import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type DrizzleSchema, openStore, type Store } from "../../store/open-store.js";
import type { ServiceDefinition } from "../types.js";
import type { ServiceConfig } from "./service-config.js";

function migrationsPath(migrations: URL | string | undefined): string | undefined {
  if (!migrations) return undefined;
  return migrations instanceof URL ? fileURLToPath(migrations) : resolve(migrations);
}

/** `openServiceStore` opens and migrates the service's own SQLite file, if it declares one. */
export function openServiceStore(
  def: ServiceDefinition,
  config: ServiceConfig,
): Store<DrizzleSchema> | undefined {
  if (!def.store) return undefined;
  return openStore({
    file: config.DB_FILE ?? join(config.DATA_DIR, `${def.name}.db`),
    schema: def.store.schema,
    migrationsFolder: migrationsPath(def.store.migrations),
    modules: def.store.modules ?? [],
    synchronous: config.SQLITE_SYNCHRONOUS,
  });
}
