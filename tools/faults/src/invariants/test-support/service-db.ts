import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { sagaSchema } from "@bazaar/saga";
import { applySchemaModules, kitSchema } from "@bazaar/service-kit/platform";
import Database from "better-sqlite3";
import { parseServiceInvariants } from "../parse-service-invariants.js";
import type { ServiceInvariant } from "../service-invariant.js";

/** A service's SQLite file as its migrations make it, in a temp folder; `rows` writes test data into it. */
export interface ServiceDb {
  readonly file: string;
  exec(sql: string): void;
  dispose(): void;
}

/**
 * `serviceDb` creates an empty SQLite file with a service's real schema: the kit's and the saga engine's
 * tables, then the service's committed drizzle migrations in journal order.
 */
export function serviceDb(serviceDir: string): ServiceDb {
  const dir = mkdtempSync(join(tmpdir(), "faults-invariants-"));
  const file = join(dir, "service.db");
  const sqlite = new Database(file);
  applySchemaModules(sqlite, [kitSchema, sagaSchema]);
  const journal = JSON.parse(readFileSync(join(serviceDir, "drizzle", "meta", "_journal.json"), "utf8")) as {
    entries: Array<{ tag: string }>;
  };
  for (const { tag } of journal.entries) {
    for (const statement of readFileSync(join(serviceDir, "drizzle", `${tag}.sql`), "utf8").split(
      "--> statement-breakpoint",
    ))
      if (statement.trim()) sqlite.exec(statement);
  }
  sqlite.close();
  return {
    file,
    exec(sql) {
      const db = new Database(file);
      try {
        db.exec(sql);
      } finally {
        db.close();
      }
    },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `loadInvariants` imports a service's `src/invariants.ts` and checks its shape, as the suite does with its build. */
export async function loadInvariants(
  serviceDir: string,
  service: string,
): Promise<readonly ServiceInvariant[]> {
  return parseServiceInvariants(
    service,
    await import(pathToFileURL(join(serviceDir, "src", "invariants.ts")).href),
  );
}
