import { inventory as contracts } from "@bazaar/contracts";
import { listProducts as list } from "../catalogue.js";
import { inventory } from "../declaration.js";

export const listProducts = inventory.handle(contracts.listProducts, (input, ctx) => list(ctx.db, input));
