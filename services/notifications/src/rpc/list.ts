import { notifications as contracts } from "@bazaar/contracts";
import { notifications } from "../declaration.js";
import { listNotifications } from "../notifications.js";

export const list = notifications.handle(contracts.listNotifications, (input, ctx) =>
  listNotifications(ctx.db, input),
);
