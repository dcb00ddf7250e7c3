import { TimeoutError } from "@bazaar/service-kit/platform";
import type { MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../http/gateway-env.js";

/**
 * `deadline` gives each request a budget. Hono's own `timeout()` answers 504 but lets the handler run on;
 * this one also aborts an `AbortSignal` that every downstream call receives (see `downstream`), so the
 * calls stop waiting when the client's answer is already a 504.
 */
export function deadline(options: { timeoutMs: number }): MiddlewareHandler<GatewayEnv> {
  const { timeoutMs } = options;
  return async (c, next) => {
    const controller = new AbortController();
    c.set("deadline", { signal: controller.signal, expiresAt: Date.now() + timeoutMs });
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const err = new TimeoutError(`the request took longer than ${timeoutMs} ms`);
        controller.abort(err);
        reject(err);
      }, timeoutMs);
    });
    try {
      await Promise.race([next(), expired]);
    } finally {
      clearTimeout(timer);
    }
  };
}
