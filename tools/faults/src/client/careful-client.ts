import { setTimeout as delay } from "node:timers/promises";
import type { AttemptResult, Operation } from "../history/history-entry.js";
import type { History } from "../history/history-writer.js";
import { type HttpRequest, type HttpResult, send } from "./http.js";
import { backoffMs, decide } from "./retry-policy.js";

export interface ClientSettings {
  readonly base: string;
  readonly history: History;
  /** Per attempt. */
  readonly timeoutMs: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  /** Retries stop at this harness time: the scenario's bound. */
  readonly deadline: number;
  readonly random: () => number;
}

export interface Command {
  readonly op: Operation;
  /** The key the history files this command under (the Idempotency-Key when there is one). */
  readonly key: string;
  readonly method: HttpRequest["method"];
  readonly path: string;
  readonly body?: unknown;
  readonly idempotencyKey?: string;
  /** The caller's current token; called again after a refresh. */
  readonly token?: () => string | undefined;
  /** Signs in again after a 401. */
  readonly refresh?: () => Promise<void>;
}

export type Answer = { readonly status: number; readonly body: unknown; readonly reason?: string };

function attemptResult(result: HttpResult): AttemptResult {
  return result.kind === "answer" ? result.status : result.kind;
}

/**
 * `carefully` sends a command until it gets a final answer, every time with the same Idempotency-Key,
 * backing off between attempts, and records each attempt in the history. Resolves with the answer, or
 * undefined when the deadline passed first (recorded as `gave-up`).
 */
export async function carefully(settings: ClientSettings, command: Command): Promise<Answer | undefined> {
  const { history } = settings;
  for (let n = 1; ; n++) {
    const started = Date.now();
    const token = command.token?.();
    const result = await send({
      base: settings.base,
      method: command.method,
      path: command.path,
      timeoutMs: settings.timeoutMs,
      ...(command.body !== undefined ? { body: command.body } : {}),
      ...(token ? { token } : {}),
      ...(command.idempotencyKey ? { idempotencyKey: command.idempotencyKey } : {}),
    });
    const reason = result.kind === "answer" ? result.reason : undefined;
    history.record({
      type: "attempt",
      op: command.op,
      key: command.key,
      n,
      result: attemptResult(result),
      ...(reason ? { reason } : {}),
      ms: Date.now() - started,
    });
    const rule = decide(result);
    // Without a way to sign in again, a 401 is the final answer (a login with a wrong password, say).
    const decision = rule === "refresh-token" && !command.refresh ? "done" : rule;
    if (decision === "done" && result.kind === "answer")
      return reason
        ? { status: result.status, body: result.body, reason }
        : { status: result.status, body: result.body };
    if (Date.now() >= settings.deadline) {
      history.record({ type: "gave-up", op: command.op, key: command.key, attempts: n });
      return undefined;
    }
    if (decision === "refresh-token" && command.refresh) await command.refresh().catch(() => {});
    await delay(backoffMs(n, settings.backoffBaseMs, settings.backoffMaxMs, settings.random));
  }
}
