import { inventory as contracts } from "@bazaar/contracts";
import { createProduct as create } from "../catalogue.js";
import { inventory } from "../declaration.js";

export const createProduct = inventory.handle(contracts.createProduct, (input, ctx) =>
  ctx.idempotent((tx) => create(tx, input)),
);
