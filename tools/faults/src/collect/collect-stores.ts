import { existsSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import Database from "better-sqlite3";
import type { ServiceFinding, StoreState } from "../check/final-state.js";
import { parseServiceInvariants } from "../invariants/parse-service-invariants.js";
import { runServiceInvariants } from "../invariants/run-service-invariants.js";
import type { InvariantFacts } from "../invariants/service-invariant.js";

export interface StoreTarget {
  readonly service: string;
  readonly file: string;
  /** The service's deploy folder: its compiled `dist/invariants.js`, if it declares any. */
  readonly folder: string;
}

/**
 * `readStore` opens a service's SQLite file read-only: `PRAGMA integrity_check`, and what its outbox
 * still holds and has published.
 */
export function readStore(target: StoreTarget): StoreState {
  const db = new Database(target.file, { readonly: true, fileMustExist: true });
  try {
    const integrity = (db.pragma("integrity_check") as Array<{ integrity_check: string }>).map(
      (r) => r.integrity_check,
    );
    const columns = new Set(
      (db.pragma("table_info(kit_outbox)") as Array<{ name: string }>).map((c) => c.name),
    );
    const parked = columns.has("parked_at") ? "parked_at IS NOT NULL" : "0";
    const count = (where: string): number =>
      (db.prepare(`SELECT COUNT(*) AS n FROM kit_outbox WHERE ${where}`).get() as { n: number }).n;
    const publishedEvents = db
      .prepare("SELECT event_id AS eventId, subject FROM kit_outbox WHERE published_at IS NOT NULL")
      .all() as Array<{ eventId: string; subject: string }>;
    return {
      service: target.service,
      file: target.file,
      integrity,
      outboxUnpublished: count(`published_at IS NULL AND NOT (${parked})`),
      outboxParked: count(`published_at IS NULL AND ${parked}`),
      publishedEvents,
    };
  } finally {
    db.close();
  }
}

/** `serviceFindings` runs a service's own invariants (from its build) on its file; none declared, none found. */
export async function serviceFindings(target: StoreTarget, facts: InvariantFacts): Promise<ServiceFinding[]> {
  const module = join(target.folder, "dist", "invariants.js");
  if (!existsSync(module)) return [];
  const invariants = parseServiceInvariants(target.service, await import(pathToFileURL(module).href));
  return runServiceInvariants({ service: target.service, file: target.file, invariants, facts });
}
