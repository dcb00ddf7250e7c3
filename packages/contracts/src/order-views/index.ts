export {
  getOrderView,
  listMyOrders,
  OrderView,
  RebuildStatus,
  rebuild,
  rebuildStatus,
} from "./order-views.js";
