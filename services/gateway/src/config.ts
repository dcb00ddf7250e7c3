import { intVar, listVar, optionalStringVar, stringVar } from "@bazaar/service-kit/platform";

const SECOND = 1000;
const KIB = 1024;

/** Browser origins allowed by default: the gateway itself and the operations console, on both host names. */
export const DEFAULT_CORS_ORIGINS = [
  "http://127.0.0.1:3000",
  "http://localhost:3000",
  "http://127.0.0.1:3100",
  "http://localhost:3100",
] as const;

/**
 * The gateway's own variables (besides the kit's). `PORT` is redeclared so the one public door listens on
 * a well-known port by default; the service's config overrides the kit's default of a free port.
 */
export const gatewayEnv = {
  PORT: intVar(3000, 0, 65535),
  /** Origins a browser may call the API from (exact matches, comma-separated). */
  CORS_ORIGINS: listVar(DEFAULT_CORS_ORIGINS, {
    pattern: /^https?:\/\/[A-Za-z0-9.-]+(?::\d{1,5})?$/,
    expected: "origins such as http://localhost:3000",
  }),
  /** Largest request body accepted; larger ones are refused with 413 before they are read. */
  BODY_LIMIT_BYTES: intVar(64 * KIB, 1, 10 * KIB * KIB),
  /** The whole body must arrive within this (400 and the connection closed beyond): less than the route's budget. */
  BODY_TIMEOUT_MS: intVar(5 * SECOND, 10, 120 * SECOND),
  /** Budget of one request; downstream calls are aborted when it runs out (504). */
  ROUTE_TIMEOUT_MS: intVar(8 * SECOND, 50, 120 * SECOND),
  /** Budget of each secondary part of `GET /api/orders/:id` (payment, shipment, saga) before it counts as degraded. */
  AGGREGATE_PART_TIMEOUT_MS: intVar(2 * SECOND, 10, 60 * SECOND),
  /** Clock skew tolerated on `exp` and `nbf`. */
  JWT_LEEWAY_SECONDS: intVar(30, 0, 300),
  /** The JWK set is fetched again after this long, so retired keys stop being accepted. */
  JWKS_MAX_AGE_MS: intVar(5 * 60 * SECOND, SECOND, 24 * 60 * 60 * SECOND),
  /** A token with an unknown `kid` refetches the JWK set at most this often (forged kids cannot flood users). */
  JWKS_REFRESH_MIN_INTERVAL_MS: intVar(10 * SECOND, 0, 60 * 60 * SECOND),
  /** Rate limits: requests per window, per user, per anonymous client IP, and per IP on `/api/auth/*`. */
  RATE_LIMIT_WINDOW_SECONDS: intVar(60, 1, 60 * 60),
  RATE_LIMIT_USER: intVar(300, 1, 1_000_000),
  RATE_LIMIT_ANONYMOUS: intVar(120, 1, 1_000_000),
  RATE_LIMIT_AUTH: intVar(10, 1, 1_000_000),
  /**
   * Failed logins per account (in this process) before each further attempt waits: `LOGIN_DELAY_BASE_MS`
   * at first, doubling with each further failure up to `LOGIN_DELAY_MAX_MS`. A successful login clears them.
   */
  LOGIN_FREE_FAILURES: intVar(5, 0, 1000),
  LOGIN_DELAY_BASE_MS: intVar(1 * SECOND, 1, 60 * 60 * SECOND),
  LOGIN_DELAY_MAX_MS: intVar(15 * 60 * SECOND, 1, 24 * 60 * 60 * SECOND),
  /**
   * How many gateway instances run side by side. Buckets and login counts are held in each instance's
   * memory, so each takes its share of every limit (the limit divided by this, rounded up): behind a
   * load balancer that spreads requests the limits then hold for the whole fleet, roughly.
   */
  GATEWAY_REPLICAS: intVar(1, 1, 1000),
  /** Upper bound on buckets kept in memory per policy (oldest go first beyond it). */
  RATE_LIMIT_MAX_BUCKETS: intVar(100_000, 100, 10_000_000),
  /**
   * How many proxies in front of the gateway append to `X-Forwarded-For` (0: none, the socket's peer is the
   * client). With N, the client is the Nth entry from the right: the address the outermost trusted proxy saw.
   */
  TRUST_PROXY: intVar(0, 0, 10),
  /**
   * A fixed JWK set (`{"keys":[...]}`, public Ed25519 keys) to verify tokens with, instead of fetching the
   * users service's set over NATS. Rotate by adding the new key here first (see the README).
   */
  JWT_PUBLIC_JWKS: optionalStringVar(),
  /** The issuer and audience tokens must name when `JWT_PUBLIC_JWKS` is set (the users service's defaults). */
  JWT_ISSUER: stringVar("bazaar-users"),
  JWT_AUDIENCE: stringVar("bazaar-api"),
  /** Discovery (`$SRV.*`, `sys.health`): the longest wait for the first reply, and the quiet gap that ends it. */
  DISCOVERY_MAX_WAIT_MS: intVar(1500, 50, 30 * SECOND),
  DISCOVERY_STALL_MS: intVar(250, 10, 10 * SECOND),
  /** Comment lines sent on an idle event stream, so proxies keep it open. */
  SSE_HEARTBEAT_MS: intVar(15 * SECOND, 100, 5 * 60 * SECOND),
} as const;
