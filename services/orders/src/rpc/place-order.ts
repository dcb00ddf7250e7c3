import { randomUUID } from "node:crypto";
import { orders as contracts, inventory } from "@bazaar/contracts";
import { orders } from "../declaration.js";
import { findByIdempotencyKey, insertOrder } from "../order-records.js";
import type { SagaHolder } from "../saga-holder.js";

/**
 * `placeOrder` prices the items with inventory's current prices (a client's total is never trusted), then
 * commits the order, its items, its saga and `order.placed` in one transaction, and returns at once; the
 * saga runs after the commit. The same idempotency key from the same user returns the same order.
 */
export const placeOrder = (sagas: SagaHolder) =>
  orders.handle(contracts.placeOrder, async (input, ctx) => {
    const existing = findByIdempotencyKey(ctx.db, input.userId, input.idempotencyKey);
    if (existing) return { orderId: existing.orderId, status: existing.status, sagaId: existing.sagaId };

    const quote = await ctx.call(inventory.quote, { items: input.items });
    const engine = sagas.get();
    const orderId = randomUUID();
    const sagaId = randomUUID();
    const placedAt = new Date().toISOString();
    const result = ctx.transaction((tx, outbox) => {
      // A concurrent retry with the same key may have won while we were pricing.
      const raced = findByIdempotencyKey(tx, input.userId, input.idempotencyKey);
      if (raced)
        return { orderId: raced.orderId, status: raced.status, sagaId: raced.sagaId, created: false };
      insertOrder(
        tx,
        {
          orderId,
          userId: input.userId,
          sagaId,
          idempotencyKey: input.idempotencyKey,
          currency: quote.currency,
          totalCents: quote.totalCents,
          shippingAddress: input.shippingAddress,
          lines: quote.lines,
        },
        placedAt,
      );
      engine.create(
        orderId,
        {
          orderId,
          userId: input.userId,
          items: quote.lines.map((l) => ({ sku: l.sku, quantity: l.quantity })),
          totalCents: quote.totalCents,
          currency: quote.currency,
          address: input.shippingAddress,
          paymentToken: input.paymentMethod.token,
        },
        sagaId,
      );
      outbox.emit(contracts.orderPlaced, {
        orderId,
        userId: input.userId,
        items: quote.lines.map((l) => ({
          sku: l.sku,
          quantity: l.quantity,
          unitPriceCents: l.unitPriceCents,
        })),
        totalCents: quote.totalCents,
        currency: quote.currency,
        placedAt,
      });
      return { orderId, status: "pending" as const, sagaId, created: true };
    });
    if (result.created) void engine.run(sagaId);
    return { orderId: result.orderId, status: result.status, sagaId: result.sagaId };
  });
