import * as v from "valibot";
import { Cents, Currency, Id, PaymentMethod, Timestamp } from "../common.js";
import { defineEvent, defineRpc } from "../define.js";
import { PAYMENTS_STREAM } from "../streams.js";

export const PaymentStatus = v.picklist(["completed", "failed", "refunded"]);
export const Payment = v.object({
  paymentId: Id,
  orderId: Id,
  userId: Id,
  amountCents: Cents,
  currency: Currency,
  status: PaymentStatus,
  /** Why a charge failed, e.g. CARD_DECLINED. */
  failureReason: v.nullable(v.string()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export type Payment = v.InferOutput<typeof Payment>;

export const charge = defineRpc({
  service: "payments",
  name: "charge",
  description:
    "Charge an order once. Idempotent per order: a retried charge never charges twice. Declined: UNPROCESSABLE with reason CARD_DECLINED; processor trouble: UNAVAILABLE (retry).",
  request: v.object({
    orderId: Id,
    userId: Id,
    amountCents: Cents,
    currency: Currency,
    paymentMethod: PaymentMethod,
  }),
  response: Payment,
  errors: ["UNPROCESSABLE", "UNAVAILABLE", "CONFLICT"],
  command: true,
  timeoutMs: 10_000,
  partitionKey: (request) => request.orderId,
});

export const refund = defineRpc({
  service: "payments",
  name: "refund",
  description:
    "Refund an order's charge. Idempotent; refunding an order that was never charged is a no-op that says so. A charge whose outcome the processor does not know yet is in_doubt: the order is voided (no later charge goes through) and payments refunds the charge by itself if it lands, so the caller is done either way. Processor trouble: UNAVAILABLE (retry).",
  request: v.object({ orderId: Id, reason: v.optional(v.pipe(v.string(), v.maxLength(200))) }),
  response: v.object({
    orderId: Id,
    status: v.picklist(["refunded", "not_charged", "in_doubt"]),
    payment: v.nullable(Payment),
  }),
  errors: ["UNAVAILABLE"],
  command: true,
  timeoutMs: 10_000,
  partitionKey: (request) => request.orderId,
});

export const getPayment = defineRpc({
  service: "payments",
  name: "getPayment",
  description: "The payment of an order.",
  request: v.object({ orderId: Id }),
  response: Payment,
  errors: ["NOT_FOUND"],
  partitionKey: (request) => request.orderId,
});

export const paymentCompleted = defineEvent({
  type: "payment.completed",
  version: 1,
  publisher: "payments",
  stream: PAYMENTS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "An order was charged.",
  data: v.object({ orderId: Id, paymentId: Id, userId: Id, amountCents: Cents, currency: Currency }),
});

export const paymentFailed = defineEvent({
  type: "payment.failed",
  version: 1,
  publisher: "payments",
  stream: PAYMENTS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "A charge was declined.",
  data: v.object({ orderId: Id, userId: Id, amountCents: Cents, currency: Currency, reason: v.string() }),
});

export const paymentRefunded = defineEvent({
  type: "payment.refunded",
  version: 1,
  publisher: "payments",
  stream: PAYMENTS_STREAM,
  partitionKey: (data) => data.orderId,
  description: "An order's charge was refunded.",
  data: v.object({ orderId: Id, paymentId: Id, userId: Id, amountCents: Cents, currency: Currency }),
});
