import { orders } from "@bazaar/contracts";
import { NotFoundError } from "@bazaar/service-kit";
import { ordersService } from "../declaration.js";
import { toSaga, toSagaSummary } from "../saga-views.js";

/** Sagas, newest first, optionally by status, order (the saga's correlation id) and age. */
export const listSagas = ordersService.handle(orders.listSagas, (input, ctx) => {
  const page = ctx.deps.sagas.list({
    status: input.status,
    correlationId: input.orderId,
    createdBefore: input.olderThan === undefined ? undefined : new Date(input.olderThan),
    createdAfter: input.newerThan === undefined ? undefined : new Date(input.newerThan),
    limit: input.limit,
    cursor: input.cursor,
  });
  return { items: page.items.map(toSagaSummary), nextCursor: page.nextCursor };
});

/** A saga's steps and timeline, by saga id or by order id. */
export const getSaga = ordersService.handle(orders.getSaga, (input, ctx) => {
  const engine = ctx.deps.sagas;
  const view = "sagaId" in input ? engine.get(input.sagaId) : engine.findByCorrelation(input.orderId);
  if (!view)
    throw new NotFoundError(
      "sagaId" in input ? `saga ${input.sagaId} not found` : `no saga for order ${input.orderId}`,
    );
  return toSaga(view);
});

/** An operator retries a saga that requires attention, once its cause is fixed. */
export const retrySaga = ordersService.handle(orders.retrySaga, (input, ctx) =>
  toSagaSummary(ctx.deps.sagas.retry(input.sagaId)),
);

/** An operator retries every parked saga at once (after an outage, say); they run a few at a time. */
export const retrySagas = ordersService.handle(orders.retrySagas, (input, ctx) =>
  ctx.deps.sagas.retryAll(input.limit),
);
