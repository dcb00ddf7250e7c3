export { listNotifications, Notification } from "./notifications.js";
