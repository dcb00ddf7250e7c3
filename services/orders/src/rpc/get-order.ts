import { orders as contracts } from "@bazaar/contracts";
import { orders } from "../declaration.js";
import { findOrder } from "../order-records.js";

export const getOrder = orders.handle(contracts.getOrder, (input, ctx) =>
  findOrder(ctx.db, input.orderId, input.userId),
);
