import { randomUUID } from "node:crypto";

export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/** Methods that change state: each carries an `Idempotency-Key`, so a retry can be recognised. */
const COMMAND_METHODS: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function isCommand(method: string): boolean {
  return COMMAND_METHODS.has(method.toUpperCase());
}

/**
 * `withIdempotencyKey` gives a command a fresh `Idempotency-Key` unless the caller chose one; a query
 * is left alone. The key is set once, before the first attempt, so every retry of the operation sends
 * the same key and the gateway answers it with the first attempt's result.
 */
export function withIdempotencyKey(request: Request, newKey: () => string = randomUUID): Request {
  if (!isCommand(request.method) || request.headers.has(IDEMPOTENCY_KEY_HEADER)) return request;
  const headers = new Headers(request.headers);
  headers.set(IDEMPOTENCY_KEY_HEADER, newKey());
  return new Request(request, { headers });
}

/** An operation's request headers with `Idempotency-Key` optional (the client supplies one). */
type KeyOptional<H> = Omit<H, typeof IDEMPOTENCY_KEY_HEADER> & { [IDEMPOTENCY_KEY_HEADER]?: string };

type OperationWithOptionalKey<Op> = Op extends { parameters: { header: infer H } }
  ? typeof IDEMPOTENCY_KEY_HEADER extends keyof H
    ? Omit<Op, "parameters"> & {
        parameters: Omit<Op["parameters"], "header"> &
          (Partial<Omit<H, typeof IDEMPOTENCY_KEY_HEADER>> extends Omit<H, typeof IDEMPOTENCY_KEY_HEADER>
            ? { header?: KeyOptional<H> }
            : { header: KeyOptional<H> });
      }
    : Op
  : Op;

/**
 * `WithClientIdempotencyKeys` is the generated `paths` as this client offers them: an operation whose
 * `Idempotency-Key` the gateway requires may leave it out, because the client sends one.
 */
export type WithClientIdempotencyKeys<Paths> = {
  [P in keyof Paths]: { [M in keyof Paths[P]]: OperationWithOptionalKey<Paths[P][M]> };
};
