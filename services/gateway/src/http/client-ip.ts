import { isIP } from "node:net";
import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";

/** What @hono/node-server puts in `c.env`: the Node request, whose socket knows the peer. */
type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } } | undefined;

/**
 * `forwardedClient` picks the client from `X-Forwarded-For` behind `hops` trusted proxies. Each proxy
 * appends the address it received the request from, so the last `hops` entries were written by trusted
 * proxies and the entry `hops` from the right is what the outermost one saw: the client. Everything left
 * of it is the client's own claim. Undefined when the header has fewer entries than there are proxies, or
 * the entry is not an address (the request did not come through them all): the caller falls back to the
 * socket's peer.
 */
export function forwardedClient(header: string | undefined, hops: number): string | undefined {
  if (hops <= 0 || !header) return undefined;
  const entries = header
    .split(",")
    .map((e) => e.trim())
    .filter(Boolean);
  const entry = entries[entries.length - hops];
  return entry && isIP(entry) ? entry : undefined;
}

/**
 * `clientIpResolver` says which client a request comes from, for anonymous and per-IP rate limits: the
 * socket's peer, or behind `trustedHops` proxies (`TRUST_PROXY`) the address the outermost of them saw.
 * A client cannot choose its own key by sending `X-Forwarded-For`: its entries sit left of the proxies'.
 */
export function clientIpResolver(options: { trustedHops: number }): (c: Context<GatewayEnv>) => string {
  return (c) =>
    forwardedClient(c.req.header("x-forwarded-for"), options.trustedHops) ??
    (c.env as NodeBindings)?.incoming?.socket?.remoteAddress ??
    "unknown";
}
