import type { MsgHdrs } from "@nats-io/transport-node";
import type { WireReply } from "./codec.js";

/** A request handed to an in-process endpoint: the same bytes and headers NATS would carry. */
export interface LocalRequest {
  readonly data: Uint8Array;
  readonly headers: MsgHdrs;
}

/** Its answer, shaped like a NATS reply so the caller reads both alike. */
export type LocalReply = WireReply;

/** An endpoint served by a service of this process. */
export interface LocalEndpoint {
  readonly service: string;
  readonly instance: string;
  /** The broker server its connection is on now (`server_id`), read at each lookup. */
  readonly server: () => string | undefined;
  /** Serves one request as its NATS handler would; undefined once it takes no more requests (stopping). */
  serve(request: LocalRequest): Promise<LocalReply> | undefined;
}

/**
 * `LocalRpcRegistry` knows the RPC endpoints served in this process, by subject. An endpoint is found only
 * by a caller connected to the same broker server: two systems in one process (tests) on two brokers never
 * call each other, and a caller and callee on different nodes of a cluster use the broker as before.
 */
export class LocalRpcRegistry {
  readonly #bySubject = new Map<string, LocalEndpoint[]>();
  #turn = 0;

  /** Registers an endpoint; the returned function removes it (idempotent). */
  add(subject: string, endpoint: LocalEndpoint): () => void {
    const list = this.#bySubject.get(subject) ?? [];
    this.#bySubject.set(subject, [...list, endpoint]);
    return () => {
      const rest = (this.#bySubject.get(subject) ?? []).filter((e) => e !== endpoint);
      if (rest.length > 0) this.#bySubject.set(subject, rest);
      else this.#bySubject.delete(subject);
    };
  }

  /** An endpoint for `subject` on broker server `server`, rotating when several instances serve it. */
  find(subject: string, server: string | undefined): LocalEndpoint | undefined {
    if (server === undefined) return undefined;
    const list = this.#bySubject.get(subject);
    if (!list) return undefined;
    const candidates = list.filter((e) => e.server() === server);
    if (candidates.length === 0) return undefined;
    return candidates[this.#turn++ % candidates.length];
  }

  /** How many endpoints are registered (for tests and diagnostics). */
  get size(): number {
    let n = 0;
    for (const list of this.#bySubject.values()) n += list.length;
    return n;
  }
}

// Keyed on the global symbol registry: a second copy of the kit in the process (two builds of it, or a
// test's source next to a built service) shares one registry. Entries exchange only bytes and headers.
const KEY = Symbol.for("bazaar.service-kit.local-rpc-registry.v1");

/** `localRpcRegistry` is the process-wide registry of in-process RPC endpoints. */
export function localRpcRegistry(): LocalRpcRegistry {
  const holder = globalThis as { [KEY]?: LocalRpcRegistry };
  holder[KEY] ??= new LocalRpcRegistry();
  return holder[KEY];
}
