// The Moleculer peer's edge: moleculer-web's API gateway on its own node, calling `products.get` over NATS.
import { ServiceBroker } from "moleculer";
import ApiGateway from "moleculer-web";
import { peerEnv } from "./peer-env.js";

const broker = new ServiceBroker({
  nodeID: "api",
  transporter: {
    type: "NATS",
    // `servers`, not `url`: the transporter replaces `user` and `pass` with the URL's (none) when given a `url`.
    options: { servers: [peerEnv("NATS_URL")], user: peerEnv("NATS_USER"), pass: peerEnv("NATS_PASSWORD") },
  },
  logLevel: "warn",
});

broker.createService({
  name: "api",
  mixins: [ApiGateway],
  settings: {
    port: Number(peerEnv("PORT")),
    ip: "127.0.0.1",
    routes: [{ path: "/api", aliases: { "GET products/:sku": "products.get" }, mappingPolicy: "restrict" }],
    logRequest: null,
    logResponse: null,
    log4XXResponses: false,
  },
});

await broker.start();
// The gateway answers 404 (service not found) until it has discovered the products node.
await broker.waitForServices(["products"]);
