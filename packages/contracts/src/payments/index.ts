export {
  charge,
  getPayment,
  Payment,
  PaymentStatus,
  paymentCompleted,
  paymentFailed,
  paymentRefunded,
  refund,
} from "./payments.js";
