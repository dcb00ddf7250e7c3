import { prepareCatalogue } from "./catalogue.js";
import { inventoryService } from "./declaration.js";
import { commit } from "./rpc/commit.js";
import { createProduct } from "./rpc/create-product.js";
import { getProduct } from "./rpc/get-product.js";
import { listProducts } from "./rpc/list-products.js";
import { quote } from "./rpc/quote.js";
import { release } from "./rpc/release.js";
import { reserve } from "./rpc/reserve.js";
import { restock } from "./rpc/restock.js";
import { seedCatalogue } from "./seed.js";

/** The inventory service: what it serves (it consumes no events), its seed and its prepared reads. */
export const service = inventoryService.define({
  serves: [listProducts, getProduct, quote, createProduct, restock, reserve, release, commit],
  setup: (runtime) => {
    const { SEED, NODE_ENV } = runtime.config;
    if (SEED === "true" || (SEED === "auto" && NODE_ENV === "development")) {
      const added = runtime.transaction((tx) => seedCatalogue(tx));
      if (added > 0) runtime.log.info({ added }, "seeded the demo catalogue");
    }
    return { catalogue: prepareCatalogue(runtime.db) };
  },
});
