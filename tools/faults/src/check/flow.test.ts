import { describe, expect, it } from "vitest";
import type { HistoryEntry } from "../history/history-entry.js";
import { measureFlow } from "./flow.js";

const ack = (t: number, orderId: string): HistoryEntry => ({ t, type: "ack", key: orderId, orderId });
const seen = (t: number, orderId: string, status: string): HistoryEntry => ({
  t,
  type: "observe",
  orderId,
  status,
  cancelReason: null,
});
const fault = (t: number, action: "start" | "heal"): HistoryEntry => ({
  t,
  type: "fault",
  fault: "x",
  action,
});

describe("measureFlow", () => {
  it("counts the orders acknowledged while the fault was on, and those confirmed before it healed", () => {
    const flow = measureFlow([
      ack(50, "before"),
      fault(100, "start"),
      ack(110, "a"),
      ack(120, "b"),
      ack(130, "c"),
      seen(150, "a", "confirmed"),
      seen(160, "b", "pending"),
      fault(200, "heal"),
      seen(210, "b", "confirmed"),
      seen(220, "c", "cancelled"),
      ack(230, "after"),
      seen(240, "before", "confirmed"),
    ]);
    expect(flow).toEqual({ placedWhileDown: 3, confirmedWhileDown: 1, downMs: 100 });
  });

  it("measures nothing without a fault that started and healed", () => {
    expect(measureFlow([ack(1, "a"), fault(2, "start")])).toBeUndefined();
  });
});
