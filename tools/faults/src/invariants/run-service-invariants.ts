import Database from "better-sqlite3";
import type { ServiceFinding } from "../check/final-state.js";
import type { InvariantFacts, ServiceInvariant, SqlRow } from "./service-invariant.js";

export interface RunServiceInvariantsOptions {
  readonly service: string;
  /** The service's SQLite file; opened read-only. */
  readonly file: string;
  readonly invariants: readonly ServiceInvariant[];
  readonly facts: InvariantFacts;
}

/**
 * `runServiceInvariants` runs one service's invariants on its SQLite file, opened read-only (a running
 * service may still hold it: WAL lets a reader see one consistent snapshot). An invariant that throws is
 * itself a finding, never a crash of the checker.
 */
export function runServiceInvariants(options: RunServiceInvariantsOptions): ServiceFinding[] {
  const db = new Database(options.file, { readonly: true, fileMustExist: true });
  try {
    const query = (sql: string, params: readonly (string | number)[] = []): readonly SqlRow[] =>
      db.prepare(sql).all(...params) as SqlRow[];
    return options.invariants.flatMap((invariant) => {
      const base = {
        service: options.service,
        invariant: invariant.name,
        ...(invariant.counts ? { counts: invariant.counts } : {}),
      };
      try {
        // One read transaction per invariant: all its queries see the same state.
        const found = db.transaction(() => invariant.check({ query, facts: options.facts }))();
        return found.map((v) => ({ ...base, subject: v.subject, message: v.message }));
      } catch (err) {
        return [{ ...base, subject: invariant.name, message: `the check failed: ${String(err)}` }];
      }
    });
  } finally {
    db.close();
  }
}
