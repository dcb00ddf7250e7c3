import { orders } from "@bazaar/contracts";
import { ordersService } from "../declaration.js";
import { findOrder } from "../order-records.js";

export const getOrder = ordersService.handle(orders.getOrder, (input, ctx) =>
  findOrder(ctx.db, input.orderId, input.userId),
);
