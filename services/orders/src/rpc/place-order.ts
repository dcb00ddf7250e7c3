import { inventory, orders } from "@bazaar/contracts";
import { idInPartition } from "@bazaar/service-kit";
import { ordersService } from "../declaration.js";
import { findByIdempotencyKey, insertOrder } from "../order-records.js";

/**
 * `placeOrder` prices the items with inventory's current prices (a client's total is never trusted), then
 * commits the order, its items, its saga and `order.placed` in one transaction, and returns at once; the
 * saga runs after the commit.
 *
 * The key is the user's: the same key from another user is another order. A retry of the same request
 * gets the first answer; the key with a different order (another quantity, say) is UNPROCESSABLE, never
 * the first order; a retry while the first is still being priced is CONFLICT.
 */
export const placeOrder = ordersService.handle(orders.placeOrder, (input, ctx) =>
  ctx.idempotently(
    async (commit) => {
      // An order whose stored answer was pruned (after days) still keeps its key.
      const existing = findByIdempotencyKey(ctx.db, input.userId, input.idempotencyKey);
      if (existing) return { orderId: existing.orderId, status: existing.status, sagaId: existing.sagaId };

      const quote = await ctx.call(inventory.quote, { items: input.items });
      const engine = ctx.deps.sagas;
      // In this partition (the key's), so calls and events about the order by its id come back here.
      const here = { partition: ctx.partition, partitions: ctx.config.PARTITIONS };
      const orderId = idInPartition(here);
      const sagaId = idInPartition(here);
      const placedAt = new Date().toISOString();
      let created = false;
      const result = commit((tx, outbox) => {
        // The key is held while we price, so only an order placed outside this process can be here.
        const raced = findByIdempotencyKey(tx, input.userId, input.idempotencyKey);
        if (raced) return { orderId: raced.orderId, status: raced.status, sagaId: raced.sagaId };
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
        outbox.emit(
          orders.orderPlaced,
          {
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
          },
          // Numbered per order, so the read model orders orders' events without trusting clocks.
          { aggregate: orderId },
        );
        created = true;
        return { orderId, status: "pending" as const, sagaId };
      });
      if (created) void engine.run(sagaId);
      return result;
    },
    { key: JSON.stringify([input.userId, input.idempotencyKey]) },
  ),
);
