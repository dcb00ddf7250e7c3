import { notifications } from "@bazaar/contracts";
import { notificationsService } from "../declaration.js";
import { listNotifications } from "../notifications.js";

export const list = notificationsService.handle(notifications.listNotifications, (input, ctx) =>
  listNotifications(ctx.db, input),
);
