import type { PaymentsConfig, PaymentsTx } from "./declaration.js";
import { createSimulatedProcessor } from "./simulated-processor.js";

export interface ChargeRequest {
  readonly orderId: string;
  readonly amountCents: number;
  readonly currency: string;
  /** The client's payment token (`tok_...`), never a card number. */
  readonly token: string;
  /** `charge:<orderId>`: a provider that sees the key again returns the first charge instead of charging twice. */
  readonly idempotencyKey: string;
}

/** A charge either went through or the card was declined; both are final for the order. */
export type ChargeResult =
  | { readonly status: "charged"; readonly chargeId: string }
  | { readonly status: "declined"; readonly reason: string; readonly message: string };

export interface RefundRequest {
  readonly orderId: string;
  readonly paymentId: string;
  /** The processor's reference of the charge being refunded (what real providers refund by). */
  readonly chargeId: string;
  readonly amountCents: number;
  /** `refund:<orderId>`: a repeated refund is refunded once. */
  readonly idempotencyKey: string;
}

export interface RefundResult {
  readonly refundId: string;
}

/**
 * `CardProcessor` is the seam to a payment provider. Both calls are async and run outside any SQLite
 * transaction. When the outcome is unknown or the provider is in trouble they reject with `UnavailableError`
 * (reason PROCESSOR_ERROR or REFUND_FAILED), so the caller retries with the same idempotency key.
 */
export interface CardProcessor {
  readonly name: string;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  refund(request: RefundRequest): Promise<RefundResult>;
  /** What became of the charge sent with this idempotency key: undefined if it never went through. */
  find(idempotencyKey: string): Promise<ChargeResult | undefined>;
}

/** `cardProcessor` makes the processor `PAYMENT_PROVIDER` names (once per running service, in `setup`). */
export function cardProcessor(ctx: {
  readonly db: PaymentsTx;
  readonly config: PaymentsConfig;
}): CardProcessor {
  switch (ctx.config.PAYMENT_PROVIDER) {
    case "simulated":
      return createSimulatedProcessor({
        db: ctx.db,
        latencyMs: ctx.config.PAYMENT_LATENCY_MS,
        settlementDelayMs: ctx.config.PAYMENT_SETTLEMENT_DELAY_MS,
      });
  }
}
