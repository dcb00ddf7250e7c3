import {
  Address,
  inventory,
  LineItem,
  notifications,
  orders,
  orderViews,
  PaymentMethod,
  payments,
  shipping,
  users,
} from "@bazaar/contracts";
import { EndpointStats, ServiceInstance } from "../discovery/service-instances.js";
import { InstanceHealth, SystemHealth } from "../discovery/system-health.js";
import { Topology, TopologyEdge, TopologyNode } from "../discovery/topology.js";
import { LiveEvent, StreamDropped, StreamExpired, StreamReady } from "../events/stream-messages.js";
import { Problem } from "../http/problem-schema.js";
import { OrderDetails, SagaProgress } from "../orders/order-details.js";
import { DeadLetter, ReplayResult } from "../routes/admin-dead-letters.js";
import { ConsumerView, StreamView } from "../routes/admin-streams.js";
import { AccessToken } from "../routes/auth.js";

/**
 * Schemas the OpenAPI document names under `components/schemas`: wherever an operation's schema uses one
 * of these very objects, the spec refers to it instead of repeating it. They are the contracts' own
 * schemas, plus the gateway's response shapes composed from them.
 */
export const COMPONENTS = {
  Problem,
  User: users.User,
  AccessToken,
  Product: inventory.Product,
  Address,
  LineItem,
  PaymentMethod,
  Order: orders.Order,
  OrderLine: orders.OrderLine,
  OrderDetails,
  SagaProgress,
  Payment: payments.Payment,
  Shipment: shipping.Shipment,
  Saga: orders.Saga,
  SagaSummary: orders.SagaSummary,
  SagaStep: orders.SagaStep,
  SagaEvent: orders.SagaEvent,
  OrderView: orderViews.OrderView,
  RebuildStatus: orderViews.RebuildStatus,
  Notification: notifications.Notification,
  DeadLetter,
  ReplayResult,
  StreamView,
  ConsumerView,
  SystemHealth,
  InstanceHealth,
  ServiceInstance,
  EndpointStats,
  Topology,
  TopologyNode,
  TopologyEdge,
  LiveEvent,
  StreamReady,
  StreamDropped,
  StreamExpired,
} as const;
