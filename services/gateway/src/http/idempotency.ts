import { orders } from "@bazaar/contracts";
import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";
import { validate } from "./validate.js";

/**
 * `idempotencyKeyOf` reads the client's `Idempotency-Key` header (checked like the contract's key), or
 * undefined. A client retrying a command sends the same key, and the service answers the first result.
 */
export function idempotencyKeyOf(c: Context<GatewayEnv>): string | undefined {
  const header = c.req.header("idempotency-key");
  return header === undefined ? undefined : validate(orders.IdempotencyKey, header, "Idempotency-Key header");
}
