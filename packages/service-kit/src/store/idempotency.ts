import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { ConflictError } from "../errors/app-error.js";

/**
 * `createIdempotencyStore` keeps, per endpoint and idempotency key, a hash of the request and the
 * response it got. Used inside the command's own transaction, so the response is stored with the state
 * change or not at all; a repeat returns the stored response, and a key reused for a different request is
 * a CONFLICT.
 */
export function createIdempotencyStore(sqlite: Database.Database) {
  const find = sqlite.prepare<[string, string], { request_hash: string; response: string }>(
    "SELECT request_hash, response FROM kit_idempotency WHERE endpoint = ? AND key = ?",
  );
  const save = sqlite.prepare(
    "INSERT INTO kit_idempotency (endpoint, key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const prune = sqlite.prepare("DELETE FROM kit_idempotency WHERE created_at < ?");
  return {
    hash(request: unknown): string {
      return createHash("sha256")
        .update(JSON.stringify(request ?? null, withoutSecrets))
        .digest("hex");
    },
    /** The stored response of an earlier identical request, or undefined the first time. */
    lookup(endpoint: string, key: string, requestHash: string): { response: unknown } | undefined {
      const row = find.get(endpoint, key);
      if (!row) return undefined;
      if (row.request_hash !== requestHash) {
        throw new ConflictError(
          `idempotency key ${key} was already used for a different ${endpoint} request`,
          { reason: "IDEMPOTENCY_KEY_REUSED" },
        );
      }
      return { response: JSON.parse(row.response) as unknown };
    },
    record(endpoint: string, key: string, requestHash: string, response: unknown): void {
      save.run(endpoint, key, requestHash, JSON.stringify(response ?? null), Date.now());
    },
    prune(olderThanMs: number): number {
      return prune.run(Date.now() - olderThanMs).changes;
    },
  };
}

/**
 * Secrets (a password at registration, say) are left out of the request fingerprint: a fast hash of a
 * password would sit in the database for days. A retry that differs only in a secret still matches.
 */
const SECRET_FIELD = /pass(word)?|secret|token|credential/i;
function withoutSecrets(key: string, value: unknown): unknown {
  return key && SECRET_FIELD.test(key) ? undefined : value;
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
