import type { HistoryEntry, LineItem, OrderKind } from "../history/history-entry.js";

/** Everything the history says about one order the client meant to place. */
export interface IntentRecord {
  readonly key: string;
  readonly userId: string;
  readonly kind: OrderKind;
  readonly items: readonly LineItem[];
  /** When the client first tried. */
  readonly startedAt: number;
  attempts: number;
  /** Every order id an acknowledgement named: one, always the same, for a sound system. */
  readonly orderIds: Set<string>;
  ackAt: number | undefined;
  refused: { readonly status: number; readonly reason: string | undefined } | undefined;
  gaveUp: boolean;
  /** Statuses of the answers to the client's cancel, if it sent one. */
  readonly cancelAnswers: number[];
  /** The first terminal status the client observed, and when. */
  terminalAt: number | undefined;
  terminalStatus: string | undefined;
}

export interface OrderRecords {
  readonly intents: readonly IntentRecord[];
  readonly byOrderId: ReadonlyMap<string, IntentRecord>;
  /** Harness times at which a fault was healed, in order. */
  readonly heals: readonly number[];
  /** Units the run added to each product it created. */
  readonly unitsAdded: ReadonlyMap<string, number>;
  readonly userIds: readonly string[];
}

const TERMINAL = new Set(["confirmed", "cancelled", "requires_attention"]);

/** `isTerminal` tells whether an order's status is final (parked counts: it waits for an operator). */
export function isTerminal(status: string): boolean {
  return TERMINAL.has(status);
}

/** `orderRecords` folds a history into one record per intent, in one pass. */
export function orderRecords(history: readonly HistoryEntry[]): OrderRecords {
  const byKey = new Map<string, IntentRecord>();
  const byOrderId = new Map<string, IntentRecord>();
  const heals: number[] = [];
  const unitsAdded = new Map<string, number>();
  const userIds: string[] = [];
  for (const entry of history) {
    switch (entry.type) {
      case "intent":
        byKey.set(entry.key, {
          key: entry.key,
          userId: entry.userId,
          kind: entry.kind,
          items: entry.items,
          startedAt: entry.t,
          attempts: 0,
          orderIds: new Set(),
          ackAt: undefined,
          refused: undefined,
          gaveUp: false,
          cancelAnswers: [],
          terminalAt: undefined,
          terminalStatus: undefined,
        });
        break;
      case "attempt": {
        const record = byKey.get(entry.key);
        if (record && entry.op === "place") record.attempts++;
        break;
      }
      case "ack": {
        const record = byKey.get(entry.key);
        if (!record) break;
        record.orderIds.add(entry.orderId);
        record.ackAt ??= entry.t;
        byOrderId.set(entry.orderId, record);
        break;
      }
      case "refused": {
        const record = byKey.get(entry.key);
        if (record && entry.op === "place") record.refused = { status: entry.status, reason: entry.reason };
        break;
      }
      case "gave-up": {
        const record = byKey.get(entry.key);
        if (record && entry.op === "place") record.gaveUp = true;
        break;
      }
      case "cancel-answer":
        byOrderId.get(entry.orderId)?.cancelAnswers.push(entry.status);
        break;
      case "observe": {
        const record = byOrderId.get(entry.orderId);
        if (record && record.terminalAt === undefined && isTerminal(entry.status)) {
          record.terminalAt = entry.t;
          record.terminalStatus = entry.status;
        }
        break;
      }
      case "fault":
        if (entry.action === "heal") heals.push(entry.t);
        break;
      case "product":
        unitsAdded.set(entry.sku, (unitsAdded.get(entry.sku) ?? 0) + entry.units);
        break;
      case "user":
        userIds.push(entry.userId);
        break;
      default:
        break;
    }
  }
  return { intents: [...byKey.values()], byOrderId, heals, unitsAdded, userIds };
}
