import { payments as contracts } from "@bazaar/contracts";
import { payments } from "../declaration.js";
import { getPayment as get } from "../payments.js";

export const getPayment = payments.handle(contracts.getPayment, (input, ctx) => get(ctx.db, input.orderId));
