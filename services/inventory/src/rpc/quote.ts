import { inventory } from "@bazaar/contracts";
import { quote as price } from "../catalogue.js";
import { inventoryService } from "../declaration.js";

export const quote = inventoryService.handle(inventory.quote, (input, ctx) => price(ctx.db, input.items));
