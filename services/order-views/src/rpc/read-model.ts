import { orderViews as contracts } from "@bazaar/contracts";
import { views } from "../declaration.js";
import { getView, listForUser } from "../queries.js";

export const listMyOrders = views.handle(contracts.listMyOrders, (input, ctx) =>
  listForUser(ctx.db, input.userId, input),
);

export const getOrderView = views.handle(contracts.getOrderView, (input, ctx) =>
  getView(ctx.db, input.orderId),
);
