import { orders } from "@bazaar/contracts";
import { BadRequestError, parseOrThrow } from "@bazaar/service-kit/platform";
import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";

const HEADER = "Idempotency-Key";

/**
 * `clientIdempotencyKey` reads the client's `Idempotency-Key` header (checked like the contract's key,
 * never echoed), or undefined when there is none.
 */
export function clientIdempotencyKey(c: Context<GatewayEnv>): string | undefined {
  const header = c.req.header(HEADER);
  return header === undefined ? undefined : parseOrThrow(orders.IdempotencyKey, header, `${HEADER} header`);
}

/**
 * `idempotencyKeyOf` is the key a downstream command carries: the client's, inside the caller's scope
 * (the user of the token, or `anonymous`), so two users' keys never meet and one cannot be answered
 * with the other's stored response. Undefined when the client sent none.
 */
export function idempotencyKeyOf(c: Context<GatewayEnv>): string | undefined {
  const key = clientIdempotencyKey(c);
  if (key === undefined) return undefined;
  const principal = c.get("principal");
  return JSON.stringify(principal ? ["user", principal.userId, key] : ["anonymous", key]);
}

/**
 * `requiredIdempotencyKey` is the client's key of a command that moves money or stock (or creates an
 * account): without one, a client that retries after a timeout or a reset connection cannot be
 * recognised, so such a request is refused with 400 naming the header (IETF `Idempotency-Key` draft).
 */
export function requiredIdempotencyKey(c: Context<GatewayEnv>): string {
  const key = clientIdempotencyKey(c);
  if (key !== undefined) return key;
  throw new BadRequestError(
    `this request changes state and needs an ${HEADER} header: send a fresh unique value (a UUID) per operation, and the same value when you retry it`,
    { reason: "IDEMPOTENCY_KEY_REQUIRED" },
  );
}
