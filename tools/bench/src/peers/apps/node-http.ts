// Floor 1: bare `node:http` answering the product from memory (no broker, no SQLite): what Node itself costs.
import { createServer } from "node:http";
import Database from "better-sqlite3";
import { PRODUCT_SQL, type ProductRow, peerEnv, toProduct } from "./peer-env.js";

const db = new Database(peerEnv("DB_FILE"), { readonly: true });
const sku = peerEnv("BENCH_SKU");
const body = JSON.stringify(toProduct(db.prepare<[string], ProductRow>(PRODUCT_SQL).get(sku) as ProductRow));
db.close();
const path = `/api/products/${sku}`;

createServer((req, res) => {
  if (req.url === path) {
    res.writeHead(200, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(body);
  } else {
    res.writeHead(404).end();
  }
}).listen(Number(peerEnv("PORT")), "127.0.0.1");
