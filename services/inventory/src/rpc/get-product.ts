import { inventory as contracts } from "@bazaar/contracts";
import { getProduct as get } from "../catalogue.js";
import { inventory } from "../declaration.js";

export const getProduct = inventory.handle(contracts.getProduct, (input, ctx) => get(ctx.db, input.sku));
