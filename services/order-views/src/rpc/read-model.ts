import { orderViews } from "@bazaar/contracts";
import { orderViewsService } from "../declaration.js";
import { getView, listForUser } from "../queries.js";

export const listMyOrders = orderViewsService.handle(orderViews.listMyOrders, (input, ctx) =>
  listForUser(ctx.db, input.userId, input),
);

export const getOrderView = orderViewsService.handle(orderViews.getOrderView, (input, ctx) =>
  getView(ctx.db, input.orderId),
);
