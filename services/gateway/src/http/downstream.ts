import type { RpcContract } from "@bazaar/contracts";
import type { CallOptions } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";

export interface DownstreamOptions {
  /** A command's idempotency key: the client's `Idempotency-Key` in the caller's scope (`idempotencyKeyOf`). */
  readonly idempotencyKey?: string | undefined;
  /** A tighter budget than what is left of the request's (e.g. one part of an aggregate). */
  readonly capMs?: number;
}

/**
 * `downstream` is the call options of one downstream call inside a request: the request's abort signal,
 * and a timeout that is the least of the contract's, what is left of the request's budget, and `capMs`.
 */
export function downstream(
  c: Context<GatewayEnv>,
  contract: RpcContract,
  options: DownstreamOptions = {},
): CallOptions {
  const budget = c.get("deadline");
  let timeoutMs = contract.timeoutMs;
  if (budget) timeoutMs = Math.min(timeoutMs, Math.max(1, budget.expiresAt - Date.now()));
  if (options.capMs !== undefined) timeoutMs = Math.min(timeoutMs, options.capMs);
  return {
    timeoutMs,
    ...(budget ? { signal: budget.signal } : {}),
    ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
  };
}
