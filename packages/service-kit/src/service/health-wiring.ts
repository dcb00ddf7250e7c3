import type { JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection, Subscription } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { EventConsumer } from "../events/consumer.js";
import {
  CheckFailed,
  evaluateReadiness,
  type HealthReport,
  type ReadinessCheck,
} from "../health/readiness.js";
import { storeWriteCheck } from "../health/store-write-check.js";
import { encodeJson } from "../rpc/codec.js";
import type { Store } from "../store/open-store.js";

/** Every instance answers readiness on `sys.health` (all services) and `sys.health.<service>`. */
export const HEALTH_SUBJECT = "sys.health";

export interface KitChecksOptions {
  /** The service's file, or each owned partition's (their checks are named `sqlite p<partition>`). */
  readonly stores: ReadonlyArray<{
    readonly store: Store<Record<string, unknown>>;
    readonly partition?: number;
  }>;
  readonly connected: () => boolean;
  readonly jsm: () => JetStreamManager | undefined;
  readonly consumers: () => readonly EventConsumer[];
  readonly stopping: () => boolean;
}

/** `kitChecks` are the readiness checks every service has: SQLite, NATS, JetStream, consumers. */
export function kitChecks(options: KitChecksOptions): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [];
  checks.push({
    name: "process",
    local: true,
    run: () => (options.stopping() ? new CheckFailed("shutting down") : undefined),
  });
  for (const { store, partition } of options.stores) {
    // A committed write, not `SELECT 1` (which passes on a full disk or a read-only file).
    const check = storeWriteCheck({ sqlite: store.sqlite, file: store.file });
    checks.push(partition === undefined ? check : { ...check, name: `sqlite p${partition}` });
  }
  checks.push({
    name: "nats",
    local: false,
    run: () => (options.connected() ? undefined : new CheckFailed("disconnected")),
  });
  checks.push({
    name: "jetstream",
    local: false,
    timeoutMs: 1500,
    run: async () => {
      const jsm = options.jsm();
      if (!jsm || !options.connected()) return new CheckFailed("not connected");
      const info = await jsm.getAccountInfo();
      return { streams: info.streams, consumers: info.consumers };
    },
  });
  checks.push({
    name: "consumers",
    local: false,
    run: () => {
      const statuses = options.consumers().map((c) => c.status());
      const down = statuses.filter((s) => !s.running);
      if (down.length > 0)
        return new CheckFailed(
          `not running: ${down.map((s) => `${s.name}${s.paused ? " (paused)" : ""}${s.lastError ? ` (${s.lastError})` : ""}`).join(", ")}`,
        );
      // Events that left their stream before a consumer read them: an alarm, not a reason to stop serving.
      const lost = statuses
        .filter((s) => s.lost > 0)
        .map((s) => ({ consumer: s.name, stream: s.stream, upTo: s.lost, ...(s.gap ? { gap: s.gap } : {}) }));
      return lost.length > 0 ? { running: statuses.length, lost } : { running: statuses.length };
    },
  });
  return checks;
}

export interface HealthMonitorOptions {
  readonly identity: { service: string; version: string; instance: string };
  readonly checks: () => readonly ReadinessCheck[];
  readonly consumers: () => readonly EventConsumer[];
  readonly intervalMs: number;
  readonly log: Logger;
}

/**
 * `HealthMonitor` evaluates readiness on demand and on a timer; when a local check fails it pauses the
 * consumers (an event must not be taken while the service cannot apply it) and resumes them after.
 */
export class HealthMonitor {
  readonly #o: HealthMonitorOptions;
  #timer: NodeJS.Timeout | undefined;
  #subs: Subscription[] = [];
  #paused = false;

  constructor(options: HealthMonitorOptions) {
    this.#o = options;
  }

  async report(): Promise<HealthReport> {
    const { report, localOk } = await evaluateReadiness(this.#o.identity, this.#o.checks());
    this.#gate(localOk);
    return report;
  }

  start(nc: NatsConnection): void {
    const answer = (_err: Error | null, msg: { respond(data: Uint8Array): boolean }): void => {
      void this.report()
        .then((r) => msg.respond(encodeJson(r)))
        // A health request that is still in flight when the connection drains has nowhere to go.
        .catch((err: unknown) => this.#o.log.debug({ err }, "health reply not sent"));
    };
    this.#subs.push(nc.subscribe(HEALTH_SUBJECT, { callback: answer }));
    this.#subs.push(nc.subscribe(`${HEALTH_SUBJECT}.${this.#o.identity.service}`, { callback: answer }));
    const tick = (): void => {
      void this.report().finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, this.#o.intervalMs);
      });
    };
    this.#timer = setTimeout(tick, this.#o.intervalMs);
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const s of this.#subs) s.unsubscribe();
    this.#subs = [];
  }

  #gate(localOk: boolean): void {
    if (!localOk && !this.#paused) {
      this.#paused = true;
      this.#o.log.warn("a local readiness check failed: pausing consumers");
      for (const c of this.#o.consumers()) c.pause();
    } else if (localOk && this.#paused) {
      this.#paused = false;
      this.#o.log.info("ready again: resuming consumers");
      for (const c of this.#o.consumers()) c.resume();
    }
  }
}
