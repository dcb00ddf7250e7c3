// The raw nats.js responder: one subscription in a queue group, one prepared better-sqlite3 statement,
// JSON in and out. The floor under the kit's `inventory.getProduct` (rpc) and under the Hono floor.
import { connect } from "@nats-io/transport-node";
import Database from "better-sqlite3";
import { PRODUCT_SQL, type ProductRow, peerEnv, toProduct } from "./peer-env.js";

const db = new Database(peerEnv("DB_FILE"), { readonly: true });
const get = db.prepare<[string], ProductRow>(PRODUCT_SQL);
const nc = await connect({
  servers: peerEnv("NATS_URL"),
  user: peerEnv("NATS_USER"),
  pass: peerEnv("NATS_PASSWORD"),
  noAsyncTraces: true,
});
const encoder = new TextEncoder();
nc.subscribe(peerEnv("RAW_SUBJECT"), {
  queue: "q",
  callback: (err, msg) => {
    if (err) return;
    const { sku } = msg.json<{ sku: string }>();
    const row = get.get(sku);
    msg.respond(encoder.encode(JSON.stringify(row ? toProduct(row) : { error: "NOT_FOUND" })));
  },
});
await nc.flush();
console.log("raw responder ready");
