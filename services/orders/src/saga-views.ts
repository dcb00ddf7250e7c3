import type { orders } from "@bazaar/contracts";
import type { SagaSummary, SagaView } from "@bazaar/saga";
import type * as v from "valibot";

/** The wire shapes of sagas: the order saga's correlation id is the order id. */
export function toSaga(view: SagaView): v.InferOutput<typeof orders.Saga> {
  const { correlationId, ...rest } = view;
  return { ...rest, orderId: correlationId };
}

export function toSagaSummary(summary: SagaSummary): v.InferOutput<typeof orders.SagaSummary> {
  const { correlationId, ...rest } = summary;
  return { ...rest, orderId: correlationId };
}
