export {
  getOrderView,
  listMyOrders,
  MAX_NAMED_SKIPS,
  OrderView,
  RebuildStatus,
  rebuild,
  rebuildStatus,
  SkippedEvent,
} from "./order-views.js";
