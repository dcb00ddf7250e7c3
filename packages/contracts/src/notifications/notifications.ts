import * as v from "valibot";
import { Id, PageRequest, page, Timestamp } from "../common.js";
import { defineRpc } from "../define.js";

export const Notification = v.object({
  id: Id,
  userId: Id,
  channel: v.literal("email"),
  to: v.string(),
  subject: v.string(),
  body: v.string(),
  eventType: v.string(),
  eventId: Id,
  status: v.picklist(["pending", "sent", "failed"]),
  createdAt: Timestamp,
  sentAt: v.nullable(Timestamp),
});
export type Notification = v.InferOutput<typeof Notification>;

export const listNotifications = defineRpc({
  service: "notifications",
  name: "list",
  description: "A user's notifications, newest first.",
  request: v.object({ userId: Id, ...PageRequest }),
  response: page(Notification),
  // Partitioned by order id (the events they come from): a user's messages are in every partition.
  gather: { pageKey: (n) => [n.createdAt, n.id], order: "desc" },
});
