import { setTimeout as delay } from "node:timers/promises";
import { isTerminal } from "../check/order-records.js";
import type { ClientSettings } from "./careful-client.js";
import { send } from "./http.js";
import type { Session } from "./session.js";

export interface FollowOptions {
  readonly settings: ClientSettings;
  readonly session: Session;
  readonly orderId: string;
  readonly pollMs: number;
  readonly maxPollMs: number;
}

/**
 * `followOrder` reads an accepted order (`GET /api/orders/:id`) until it is final or the deadline passes,
 * recording each status it sees for the first time: the history shows when each order settled. A read
 * that fails is simply tried again later (reads change nothing).
 */
export async function followOrder(options: FollowOptions): Promise<void> {
  const { settings, session, orderId } = options;
  let last: string | undefined;
  let wait = options.pollMs;
  while (Date.now() < settings.deadline) {
    const result = await send({
      base: settings.base,
      method: "GET",
      path: `/api/orders/${orderId}`,
      timeoutMs: settings.timeoutMs,
      ...(session.token() ? { token: session.token() as string } : {}),
    });
    if (result.kind === "answer" && result.status === 401) await session.refresh().catch(() => {});
    if (result.kind === "answer" && result.status === 200 && typeof result.body === "object" && result.body) {
      const body = result.body as { status?: unknown; cancelReason?: unknown };
      const status = typeof body.status === "string" ? body.status : "unknown";
      if (status !== last) {
        last = status;
        const cancelReason = typeof body.cancelReason === "string" ? body.cancelReason : null;
        settings.history.record({ type: "observe", orderId, status, cancelReason });
      }
      if (isTerminal(status)) return;
      wait = options.pollMs;
    } else {
      wait = Math.min(wait * 2, options.maxPollMs);
    }
    await delay(wait);
  }
}
