import { users } from "@bazaar/contracts";
import { appError, type KitEnv } from "@bazaar/service-kit";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { configuredJwks } from "./auth/configured-jwks.js";
import { createJwksCache } from "./auth/jwks-cache.js";
import { createTokenVerifier } from "./auth/verify-token.js";
import type { GatewayRuntime } from "./declaration.js";
import { createDiscovery } from "./discovery/discovery.js";
import type { LiveEvents } from "./events/live-events.js";
import { clientIpResolver } from "./http/client-ip.js";
import { errorResponse, gatewayErrorHandler } from "./http/errors.js";
import type { GatewayEnv } from "./http/gateway-env.js";
import { bodyTimeout } from "./middleware/body-timeout.js";
import { corsFor } from "./middleware/cors.js";
import { deadline } from "./middleware/deadline.js";
import { identify, queryToken } from "./middleware/identify.js";
import { LoginThrottle } from "./middleware/login-throttle.js";
import { rateLimit } from "./middleware/rate-limit.js";
import { requireAdmin } from "./middleware/require-role.js";
import { securityHeaders } from "./middleware/security-headers.js";
import { checkCoverage } from "./openapi/coverage.js";
import { platformDocs } from "./openapi/platform-docs.js";
import { buildOpenApi } from "./openapi/spec.js";
import { adminDeadLetterDocs, adminDeadLetterRoutes } from "./routes/admin-dead-letters.js";
import { adminEventDocs, adminEventRoutes, EVENTS_STREAM_PATH } from "./routes/admin-events.js";
import { adminProductDocs, adminProductRoutes } from "./routes/admin-products.js";
import { adminReadModelDocs, adminReadModelRoutes } from "./routes/admin-read-models.js";
import { adminSagaDocs, adminSagaRoutes } from "./routes/admin-sagas.js";
import { adminStreamDocs, adminStreamRoutes } from "./routes/admin-streams.js";
import { authDocs, authRoutes } from "./routes/auth.js";
import { docsDocs, docsRoutes } from "./routes/docs.js";
import { myOrdersDocs, myOrdersRoutes } from "./routes/my-orders.js";
import { notificationDocs, notificationRoutes } from "./routes/notifications.js";
import { orderDocs, orderRoutes } from "./routes/orders.js";
import { productDocs, productRoutes } from "./routes/products.js";
import { systemDocs, systemRoutes } from "./routes/system.js";

/** Every route the gateway serves, documented: the OpenAPI document is built from this list. */
export const GATEWAY_DOCS = [
  ...authDocs,
  ...productDocs,
  ...orderDocs,
  ...myOrdersDocs,
  ...notificationDocs,
  ...adminProductDocs,
  ...adminSagaDocs,
  ...adminDeadLetterDocs,
  ...adminReadModelDocs,
  ...adminStreamDocs,
  ...adminEventDocs,
  ...systemDocs,
  ...docsDocs,
];

/** The JWK set is small and users answers it from memory: a short timeout keeps a first request snappy. */
const JWKS_TIMEOUT_MS = 2000;

/**
 * `createGatewayApi` builds the gateway's routes and middleware. Hono runs handlers in the order they are
 * registered, so the order below is the request pipeline: security headers, CORS, who is calling (token),
 * rate limit, body limit, the admin guard, then the routes; the request deadline comes after the event
 * stream (which stays open) and before every other API route. It refuses to build when a route lacks docs.
 */
export function createGatewayApi(runtime: GatewayRuntime, live: LiveEvents): Hono<GatewayEnv> {
  const { config, log } = runtime;
  // Keys come from the users service's identity alone (the broker lets no other service answer
  // `users.jwks`), or from a fixed set in configuration.
  const jwks = config.JWT_PUBLIC_JWKS
    ? configuredJwks({
        text: config.JWT_PUBLIC_JWKS,
        issuer: config.JWT_ISSUER,
        audience: config.JWT_AUDIENCE,
      })
    : createJwksCache({
        fetch: () => runtime.call(users.jwks, {}, { timeoutMs: JWKS_TIMEOUT_MS }),
        maxAgeMs: config.JWKS_MAX_AGE_MS,
        minRefreshIntervalMs: config.JWKS_REFRESH_MIN_INTERVAL_MS,
        onStale: (err) => log.warn({ err }, "could not refresh the JWK set; the known keys stay in use"),
      });
  const verify = createTokenVerifier({ jwks, leewaySeconds: config.JWT_LEEWAY_SECONDS });
  const discovery = createDiscovery({
    nc: runtime.nats.nc,
    maxWaitMs: config.DISCOVERY_MAX_WAIT_MS,
    stallMs: config.DISCOVERY_STALL_MS,
  });
  // Built once at start: a schema the converter cannot handle fails the start, not a request.
  const spec = JSON.stringify(
    buildOpenApi({ version: runtime.version, operations: [...GATEWAY_DOCS, ...platformDocs] }),
  );

  const api = new Hono<GatewayEnv>();
  api.use("*", securityHeaders);
  api.use("*", corsFor(config.CORS_ORIGINS));
  api.use("*", identify({ verify }));
  api.use(
    "*",
    rateLimit({
      windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS,
      perUser: config.RATE_LIMIT_USER,
      perAnonymous: config.RATE_LIMIT_ANONYMOUS,
      perAuth: config.RATE_LIMIT_AUTH,
      maxBuckets: config.RATE_LIMIT_MAX_BUCKETS,
      clientIp: clientIpResolver({ trustedHops: config.TRUST_PROXY }),
    }),
  );
  api.use(
    "*",
    bodyLimit({
      maxSize: config.BODY_LIMIT_BYTES,
      onError: (c) => {
        const res = errorResponse(
          appError("PAYLOAD_TOO_LARGE", `the request body exceeds ${config.BODY_LIMIT_BYTES} bytes`),
          c,
        );
        // The rest of the body is never read, and the server drops the socket: saying so lets a
        // keep-alive client open a new one instead of sending its next request into a dead one.
        res.headers.set("Connection", "close");
        return res;
      },
    }),
  );
  api.use("/api/*", bodyTimeout({ timeoutMs: config.BODY_TIMEOUT_MS }));
  api.use(EVENTS_STREAM_PATH, queryToken({ verify }));
  api.use("/api/admin/*", requireAdmin);
  api.route("/", adminEventRoutes(live));
  api.use("/api/*", deadline({ timeoutMs: config.ROUTE_TIMEOUT_MS }));
  api.route(
    "/",
    authRoutes(
      runtime,
      new LoginThrottle({
        freeFailures: config.LOGIN_FREE_FAILURES,
        baseDelayMs: config.LOGIN_DELAY_BASE_MS,
        maxDelayMs: config.LOGIN_DELAY_MAX_MS,
        maxAccounts: config.RATE_LIMIT_MAX_BUCKETS,
      }),
    ),
  );
  api.route("/", productRoutes(runtime));
  api.route("/", orderRoutes(runtime));
  api.route("/", myOrdersRoutes(runtime));
  api.route("/", notificationRoutes(runtime));
  api.route("/", adminProductRoutes(runtime));
  api.route("/", adminSagaRoutes(runtime));
  api.route("/", adminDeadLetterRoutes(runtime));
  api.route("/", adminReadModelRoutes(runtime));
  api.route("/", adminStreamRoutes(runtime));
  api.route("/", systemRoutes(discovery));
  api.route("/", docsRoutes({ spec }));

  const problems = checkCoverage(api.routes, GATEWAY_DOCS);
  if (problems.length > 0) throw new Error(`gateway routes and docs disagree:\n  ${problems.join("\n  ")}`);
  return api;
}

/** `mountGateway` puts the gateway's routes on the kit's app and answers every error as a problem document. */
export function mountGateway(app: Hono<KitEnv>, runtime: GatewayRuntime, live: LiveEvents): void {
  app.route("/", createGatewayApi(runtime, live));
  app.onError(gatewayErrorHandler(runtime.log));
}
