import type { Logger } from "pino";

/**
 * `BackPressureAlarm` tracks a full stream refusing the relay's events: an error log when it starts (and
 * at most once a minute while it lasts, with how many events wait and for how long), an info log when it
 * ends, and the state the `bazaar_outbox_back_pressure` gauge reads.
 */
export class BackPressureAlarm {
  readonly #log: Logger;
  #since: number | undefined;
  #lastLog = 0;

  constructor(log: Logger) {
    this.#log = log;
  }

  get active(): boolean {
    return this.#since !== undefined;
  }

  raise(o: { subject: string; reason: string; pending: number; oldestPendingAgeMs: number }): void {
    const now = Date.now();
    const first = this.#since === undefined;
    this.#since ??= now;
    if (!first && now - this.#lastLog < 60_000) return;
    this.#lastLog = now;
    this.#log.error(
      { ...o, sinceMs: now - this.#since },
      "stream full: it refuses new events, which wait in the outbox until it has room",
    );
  }

  clear(): void {
    if (this.#since === undefined) return;
    this.#log.info({ afterMs: Date.now() - this.#since }, "stream accepts events again; the outbox drains");
    this.#since = undefined;
  }
}
