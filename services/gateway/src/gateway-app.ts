import { appError, type KitEnv } from "@bazaar/service-kit/platform";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { jwksFor } from "./auth/jwks-for.js";
import { createTokenVerifier } from "./auth/verify-token.js";
import type { GatewayRuntime } from "./declaration.js";
import type { LiveEvents } from "./events/live-events.js";
import { gatewayRouteGroups } from "./gateway-routes.js";
import { clientIpResolver } from "./http/client-ip.js";
import { gatewayErrorHandler, withResponseHeaders } from "./http/errors.js";
import type { GatewayEnv } from "./http/gateway-env.js";
import { hasBody } from "./http/has-body.js";
import { bodyTimeout } from "./middleware/body-timeout.js";
import { corsFor } from "./middleware/cors.js";
import { deadline } from "./middleware/deadline.js";
import { identify, queryToken } from "./middleware/identify.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { replicaShare } from "./middleware/replica-share.js";
import { requireAdmin } from "./middleware/require-role.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { platformDocsFor } from "./openapi/platform-docs.js";
import { buildOpenApi } from "./openapi/spec.js";
import { EVENTS_STREAM_PATH } from "./routes/admin-events.js";
import { groupApp, groupDocs } from "./routing/route-group.js";

/**
 * `createGatewayApi` builds the gateway's middleware and mounts each route group under its prefix. Hono
 * runs handlers in the order they are registered, so the order below is the request pipeline: security
 * headers, CORS, who is calling (token), rate limit, body limit, body timeout, the admin guard on the whole
 * admin prefix, then the routes (each with its own guard, validation and, on `/api`, the deadline). The
 * OpenAPI document is built, once, from the very declarations that are mounted.
 */
export function createGatewayApi(runtime: GatewayRuntime, live: LiveEvents): Hono<GatewayEnv> {
  const { config } = runtime;
  const verify = createTokenVerifier({ jwks: jwksFor(runtime), leewaySeconds: config.JWT_LEEWAY_SECONDS });
  let spec = "";
  // With METRICS_PORT set (as the manifests and images do), the public port serves no /metrics.
  const publicMetrics = config.METRICS && config.METRICS_PORT === 0;
  const groups = gatewayRouteGroups({ runtime, live, spec: () => spec });
  // Built once at start: a schema the converter cannot handle fails the start, not a request.
  spec = JSON.stringify(
    buildOpenApi({
      version: runtime.version,
      operations: [...groups.flatMap(groupDocs), ...platformDocsFor({ publicMetrics })],
    }),
  );

  const api = new Hono<GatewayEnv>();
  api.use("*", securityHeaders);
  api.use("*", corsFor(config.CORS_ORIGINS));
  api.use("*", identify({ verify }));
  api.use(
    "*",
    rateLimit({
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      perUser: replicaShare(config.RATE_LIMIT_USER, config.GATEWAY_REPLICAS),
      perAnonymous: replicaShare(config.RATE_LIMIT_ANONYMOUS, config.GATEWAY_REPLICAS),
      perAuth: replicaShare(config.RATE_LIMIT_AUTH, config.GATEWAY_REPLICAS),
      maxBuckets: config.RATE_LIMIT_MAX_BUCKETS,
      clientIp: clientIpResolver({ trustedHops: config.TRUST_PROXY }),
    }),
  );
  const limitBody = bodyLimit({
    maxSize: config.BODY_LIMIT_BYTES,
    onError: () => {
      // The rest of the body is never read, and the server drops the socket: saying so lets a
      // keep-alive client open a new one instead of sending its next request into a dead one.
      throw withResponseHeaders(
        appError("PAYLOAD_TOO_LARGE", `the request body exceeds ${config.BODY_LIMIT_BYTES} bytes`),
        { Connection: "close" },
      );
    },
  });
  api.use("*", (c, next) => (hasBody(c.req.raw) ? limitBody(c, next) : next()));
  api.use("/api/*", bodyTimeout({ timeoutMs: config.BODY_TIMEOUT_MS }));
  api.use(EVENTS_STREAM_PATH, queryToken({ verify }));
  api.use("/api/admin/*", requireAdmin);
  const timed = { deadline: deadline({ timeoutMs: config.ROUTE_TIMEOUT_MS }) };
  for (const group of groups) api.route(group.prefix, groupApp(group, timed));
  return api;
}

/** `mountGateway` puts the gateway's routes on the kit's app, with the gateway's one error handler. */
export function mountGateway(app: Hono<KitEnv>, runtime: GatewayRuntime, live: LiveEvents): void {
  app.route("/", createGatewayApi(runtime, live));
  app.onError(gatewayErrorHandler(runtime.log));
}
