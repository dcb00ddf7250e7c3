export { ALL_EVENTS, ALL_RPCS, findEvent } from "./catalog.js";
export {
  Address,
  Cents,
  Country,
  Currency,
  Email,
  Empty,
  Id,
  LineItem,
  LineItems,
  PageRequest,
  PaymentMethod,
  page,
  Quantity,
  Sku,
  Timestamp,
} from "./common.js";
export type {
  AnySchema,
  DefineEventOptions,
  DefineRpcOptions,
  DefineStreamOptions,
  EventContract,
  EventData,
  RpcContract,
  RpcGather,
  RpcGatherOf,
  RpcRequest,
  RpcRequestInput,
  RpcResponse,
  StreamContract,
} from "./define.js";
export {
  defineEvent,
  defineRpc,
  defineStream,
  EVENT_PREFIX,
  eventPartitionSubject,
  eventSubject,
  eventSubjectOf,
  partitionSubject,
  RPC_PREFIX,
  subjectMatches,
} from "./define.js";
export type { EnvelopeOf, EventEnvelope } from "./envelope.js";
export { EnvelopeHeader, envelopeSchema, TRACEPARENT } from "./envelope.js";
export type { ErrorBody, ErrorCode } from "./error-codes.js";
export { ERROR_CODE_LIST, ERROR_CODES, isErrorCode, statusOf, TRANSIENT_ERROR_CODES } from "./error-codes.js";
export * as inventory from "./inventory/index.js";
export * as notifications from "./notifications/index.js";
export * as orderViews from "./order-views/index.js";
export * as orders from "./orders/index.js";
export * as payments from "./payments/index.js";
export * as shipping from "./shipping/index.js";
export {
  DEAD_LETTER_STREAM,
  INVENTORY_STREAM,
  OPS_STREAM,
  ORDERS_STREAM,
  PAYMENTS_STREAM,
  SHIPPING_STREAM,
  STREAMS,
  USERS_STREAM,
} from "./streams.js";
export * as users from "./users/index.js";
