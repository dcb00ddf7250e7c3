import { appError } from "@bazaar/service-kit/platform";
import type { MiddlewareHandler } from "hono";
import { withResponseHeaders } from "../http/errors.js";
import type { GatewayEnv } from "../http/gateway-env.js";
import { hasBody } from "../http/has-body.js";

/**
 * `bodyTimeout` reads a request's body before anything else does, and refuses it with 400 when it has not
 * all arrived within `timeoutMs`: a client that trickles its body (to hold a connection and a request's
 * budget) gets a client error, not the 504 the route's deadline would give, and the connection is closed
 * (the rest is never read). The body is read once, within the body limit that runs before this, and routes
 * parse it from memory.
 */
export function bodyTimeout(options: { timeoutMs: number }): MiddlewareHandler<GatewayEnv> {
  return async (c, next) => {
    if (!hasBody(c.req.raw)) return next();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), options.timeoutMs);
    });
    try {
      const read = c.req.arrayBuffer().then((buffer) => {
        c.set("bodyText", new TextDecoder().decode(buffer));
        return buffer;
      });
      // A read that fails after the answer (the connection is closed) has nobody left to tell.
      read.catch(() => undefined);
      if ((await Promise.race([read, late])) === "late") {
        // The rest is never read: the connection is closed, and saying so keeps a client from reusing it.
        throw withResponseHeaders(
          appError("BAD_REQUEST", `the request body did not arrive within ${options.timeoutMs} ms`),
          { Connection: "close" },
        );
      }
    } finally {
      clearTimeout(timer);
    }
    return next();
  };
}
