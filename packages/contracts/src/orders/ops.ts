import * as v from "valibot";
import { Id } from "../common.js";
import { defineEvent } from "../define.js";
import { OPS_STREAM } from "../streams.js";

export const opsAlert = defineEvent({
  type: "ops.alert",
  version: 1,
  publisher: "orders",
  stream: OPS_STREAM,
  description: "Something needs an operator: what failed, where, how often, and what to do.",
  data: v.object({
    alertId: Id,
    severity: v.picklist(["warning", "critical"]),
    title: v.string(),
    message: v.string(),
    orderId: v.optional(Id),
    sagaId: v.optional(Id),
    step: v.optional(v.string()),
    attempts: v.optional(v.number()),
    lastError: v.optional(v.string()),
    action: v.string(),
  }),
});
