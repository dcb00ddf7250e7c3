// The Moleculer peer's service node: a `products` service over the NATS transporter, reading the products
// table with better-sqlite3 (a statement prepared in `created`, as the Moleculer docs' DB-less services do).
import Database from "better-sqlite3";
import { ServiceBroker } from "moleculer";
import { PRODUCT_SQL, type ProductRow, peerEnv, toProduct } from "./peer-env.js";

const broker = new ServiceBroker({
  nodeID: "products",
  transporter: {
    type: "NATS",
    // `servers`, not `url`: the transporter replaces `user` and `pass` with the URL's (none) when given a `url`.
    options: { servers: [peerEnv("NATS_URL")], user: peerEnv("NATS_USER"), pass: peerEnv("NATS_PASSWORD") },
  },
  logLevel: "warn",
});

const db = new Database(peerEnv("DB_FILE"), { readonly: true });
const get = db.prepare<[string], ProductRow>(PRODUCT_SQL);

broker.createService({
  name: "products",
  actions: {
    get: {
      params: { sku: "string" },
      handler(ctx) {
        const { sku } = ctx.params as { sku: string };
        const row = get.get(sku);
        if (!row) throw new Error(`product ${sku} not found`);
        return toProduct(row);
      },
    },
  },
});

await broker.start();
