import type Database from "better-sqlite3";
import { ConflictError, UnprocessableError } from "../errors/app-error.js";
import { fingerprintRequest, matchesFingerprint } from "./request-fingerprint.js";

/** A key held by a command that is running: its response is recorded with its state change, once. */
export interface IdempotencyClaim {
  /** Stores the response; call it inside the command's transaction, so both commit or neither does. */
  record(response: unknown): void;
  /** Lets the key go (after the commit, or after a failure that changed nothing). */
  release(): void;
}

/** What `begin` found: the stored response of the same request, or the key, now held by the caller. */
export type IdempotencyBegin =
  | { readonly replay: true; readonly response: unknown }
  | { readonly replay: false; readonly claim: IdempotencyClaim };

/**
 * `createIdempotencyStore` keeps, per endpoint and idempotency key, a fingerprint of the request and the
 * response it got, as the IETF `Idempotency-Key` draft describes:
 * - a repeat of the same request gets the stored response without running again;
 * - the key reused for a different request is UNPROCESSABLE (422), whatever the time in between;
 * - a repeat while the first is still running is CONFLICT (409): the client retries later.
 *
 * Claims of running commands live in memory: a service's SQLite file has one process, and a crash
 * releases its claims with it (nothing is stored until the command's transaction commits). The key as
 * given is the caller's scope: the gateway puts the user in it, and a service may pass its own.
 */
export function createIdempotencyStore(sqlite: Database.Database) {
  const find = sqlite.prepare<[string, string], { request_hash: string; response: string }>(
    "SELECT request_hash, response FROM kit_idempotency WHERE endpoint = ? AND key = ?",
  );
  const save = sqlite.prepare(
    "INSERT INTO kit_idempotency (endpoint, key, request_hash, response, created_at) VALUES (?, ?, ?, ?, ?)",
  );
  const prune = sqlite.prepare("DELETE FROM kit_idempotency WHERE created_at < ?");
  const running = new Set<string>();

  return {
    /**
     * `begin` looks the key up for one request: the stored response when it is a repeat, or a claim on the
     * key. Throws UNPROCESSABLE when the key belongs to a different request, CONFLICT while it is running.
     * Messages never carry the key (it is the client's input).
     */
    async begin(endpoint: string, key: string, request: unknown): Promise<IdempotencyBegin> {
      const id = JSON.stringify([endpoint, key]);
      if (running.has(id)) {
        throw new ConflictError(
          `a ${endpoint} request with this idempotency key is still being processed: retry later`,
          { reason: "IDEMPOTENCY_KEY_IN_FLIGHT" },
        );
      }
      running.add(id);
      const release = (): void => {
        running.delete(id);
      };
      try {
        const row = find.get(endpoint, key);
        if (row) {
          if (!(await matchesFingerprint(request, row.request_hash))) {
            throw new UnprocessableError(
              `this idempotency key was already used for a different ${endpoint} request`,
              { reason: "IDEMPOTENCY_KEY_REUSED" },
            );
          }
          release();
          return { replay: true, response: JSON.parse(row.response) as unknown };
        }
        const fingerprint = await fingerprintRequest(request);
        let recorded = false;
        return {
          replay: false,
          claim: {
            record(response) {
              if (recorded) throw new Error(`${endpoint}: one response per idempotency key`);
              save.run(endpoint, key, fingerprint, JSON.stringify(response ?? null), Date.now());
              recorded = true;
            },
            release,
          },
        };
      } catch (err) {
        release();
        throw err;
      }
    },
    prune(olderThanMs: number): number {
      return prune.run(Date.now() - olderThanMs).changes;
    },
  };
}

export type IdempotencyStore = ReturnType<typeof createIdempotencyStore>;
