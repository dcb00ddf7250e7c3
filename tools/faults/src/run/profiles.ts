import { STREAMS } from "@bazaar/contracts";
import { DEFAULT_MIX } from "../client/order-mix.js";
import { brokerOutage } from "../faults/broker-outage.js";
import { canary } from "../faults/canary.js";
import { clockSkew } from "../faults/clock-skew.js";
import { clusterFailover } from "../faults/cluster-failover.js";
import type { Fault } from "../faults/fault.js";
import { fullDisk } from "../faults/full-disk.js";
import { instanceOutage } from "../faults/instance-outage.js";
import { killServices } from "../faults/kill-services.js";
import { poisonMessages } from "../faults/poison-messages.js";
import { slowConsumer } from "../faults/slow-consumer.js";
import type { LoadSettings, Scenario } from "./scenario.js";

export type ProfileName = "ci" | "long";

export interface ProfileOverrides {
  /** Orders per second, every scenario. */
  readonly rate?: number;
  /** Load duration in ms, every scenario (a fault that needs longer gets its own). */
  readonly durationMs?: number;
  readonly seed?: number;
}

/** The longest duplicate window of the streams: the longest broker outage must outlast it. */
export const DUPLICATE_WINDOW_MS = Math.max(...STREAMS.map((s) => s.duplicateWindowMs));

interface Scale {
  readonly load: LoadSettings;
  readonly settleMs: number;
  readonly terminalBoundMs: number;
  readonly quietTimeoutMs: number;
}

const SCALES: Record<ProfileName, Scale> = {
  ci: {
    load: {
      ratePerSecond: 4,
      durationMs: 30_000,
      customers: 4,
      mix: DEFAULT_MIX,
      scarceStock: 6,
      restockEveryMs: 10_000,
      restockUnits: 2,
      maxInFlight: 200,
      backoffMaxMs: 2_000,
    },
    settleMs: 90_000,
    terminalBoundMs: 90_000,
    quietTimeoutMs: 60_000,
  },
  long: {
    load: {
      ratePerSecond: 8,
      durationMs: 120_000,
      customers: 6,
      mix: DEFAULT_MIX,
      scarceStock: 20,
      restockEveryMs: 15_000,
      restockUnits: 3,
      maxInFlight: 300,
      backoffMaxMs: 5_000,
    },
    settleMs: 240_000,
    terminalBoundMs: 180_000,
    quietTimeoutMs: 180_000,
  },
};

function faults(profile: ProfileName): Array<{ fault: Fault; minDurationMs?: number }> {
  const long = profile === "long";
  const list: Array<{ fault: Fault; minDurationMs?: number }> = [
    { fault: killServices({ downMs: long ? 3_000 : 1_000 }) },
    { fault: brokerOutage({ label: "broker-restart", downMs: long ? 15_000 : 5_000 }) },
    {
      // Longer than the saga's retries used to last: the outage that cancelled good orders.
      fault: brokerOutage({
        label: "broker-outage",
        downMs: long ? 90_000 : 40_000,
        at: long ? 0.15 : 1 / 6,
      }),
      minDurationMs: long ? 150_000 : 60_000,
    },
    {
      fault: slowConsumer({
        ackWaitMs: 1_000,
        stallMs: long ? 4_000 : 2_500,
        runMs: 1_000,
        stallsPerService: long ? 3 : 2,
      }),
    },
    { fault: poisonMessages() },
    {
      fault: fullDisk({
        fullMs: long ? 10_000 : 4_000,
        ...(long ? {} : { only: ["orders", "order-views"] }),
      }),
    },
    {
      fault: clockSkew({
        offsets: long
          ? { payments: "+90s", orders: "-90s", "order-views": "+90s", inventory: "-30s" }
          : { payments: "+10s", orders: "-10s", "order-views": "+10s" },
      }),
    },
    { fault: clusterFailover({ downMs: long ? 20_000 : 5_000 }) },
    // One instance of payments down for a while: with two, the other's partitions keep serving.
    { fault: instanceOutage({ service: "payments", downMs: long ? 30_000 : 10_000 }) },
    // Last: proves the checker still fails a run that breaks its promises.
    { fault: canary() },
  ];
  if (long) {
    // Past the duplicate window, the broker no longer recognises an outbox's republish of an event it stored.
    const downMs = DUPLICATE_WINDOW_MS + 30_000;
    list.push({
      fault: brokerOutage({
        label: "broker-outage-beyond-dedupe-window",
        downMs,
        at: 30_000 / (downMs + 90_000),
      }),
      minDurationMs: downMs + 90_000,
    });
  }
  return list;
}

/**
 * `profileScenarios` is the scenarios of a profile: `ci` runs every fault at a small scale (a 30 s load
 * at 4 orders/s each, 60 s around a 40 s broker outage; within 10 minutes on two cores), `long` runs them
 * at full length, plus a broker outage longer than the streams' duplicate window.
 */
export function profileScenarios(profile: ProfileName, overrides: ProfileOverrides = {}): Scenario[] {
  const scale = SCALES[profile];
  return faults(profile).map(({ fault, minDurationMs }, i) => ({
    name: fault.name,
    fault,
    load: {
      ...scale.load,
      ratePerSecond: overrides.rate ?? scale.load.ratePerSecond,
      durationMs: Math.max(overrides.durationMs ?? scale.load.durationMs, minDurationMs ?? 0),
    },
    settleMs: scale.settleMs,
    terminalBoundMs: scale.terminalBoundMs,
    quietTimeoutMs: scale.quietTimeoutMs,
    seed: (overrides.seed ?? 1) * 1000 + i,
  }));
}
