import { payments } from "@bazaar/contracts";
import { paymentsService } from "../declaration.js";
import { getPayment as get } from "../payments.js";

export const getPayment = paymentsService.handle(payments.getPayment, (input, ctx) =>
  get(ctx.db, input.orderId),
);
