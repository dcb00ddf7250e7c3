import { inventory as contracts } from "@bazaar/contracts";
import { quote as price } from "../catalogue.js";
import { inventory } from "../declaration.js";

export const quote = inventory.handle(contracts.quote, (input, ctx) => price(ctx.db, input.items));
