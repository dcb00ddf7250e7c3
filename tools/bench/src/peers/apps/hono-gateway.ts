// Floor 2: Hono on @hono/node-server, one raw nats.js request per HTTP request to the raw responder.
import { serve } from "@hono/node-server";
import { connect } from "@nats-io/transport-node";
import { Hono } from "hono";
import { peerEnv } from "./peer-env.js";

const nc = await connect({
  servers: peerEnv("NATS_URL"),
  user: peerEnv("NATS_USER"),
  pass: peerEnv("NATS_PASSWORD"),
  noAsyncTraces: true,
});
const subject = peerEnv("RAW_SUBJECT");
const encoder = new TextEncoder();
const app = new Hono();
app.get("/api/products/:sku", async (c) => {
  const reply = await nc.request(subject, encoder.encode(JSON.stringify({ sku: c.req.param("sku") })), {
    timeout: 5_000,
  });
  return c.body(reply.string(), 200, { "content-type": "application/json" });
});
serve({ fetch: app.fetch, port: Number(peerEnv("PORT")), hostname: "127.0.0.1" });
