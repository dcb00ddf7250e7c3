import type { Context } from "hono";
import type { GatewayEnv } from "./gateway-env.js";

/** What @hono/node-server puts in `c.env`: the Node request, whose socket knows the peer. */
type NodeBindings = { incoming?: { socket?: { remoteAddress?: string } } } | undefined;

/**
 * `clientIpResolver` says which client a request comes from, for anonymous rate limits. Only with
 * `trustProxy` (the gateway sits behind a proxy that sets it) is `X-Forwarded-For` believed, and then its
 * last entry: the address the proxy itself saw, which the client cannot forge.
 */
export function clientIpResolver(options: { trustProxy: boolean }): (c: Context<GatewayEnv>) => string {
  return (c) => {
    if (options.trustProxy) {
      const forwarded = c.req.header("x-forwarded-for");
      const last = forwarded?.split(",").at(-1)?.trim();
      if (last) return last;
    }
    return (c.env as NodeBindings)?.incoming?.socket?.remoteAddress ?? "unknown";
  };
}
