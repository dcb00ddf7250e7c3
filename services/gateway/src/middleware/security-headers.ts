import type { MiddlewareHandler } from "hono";
import { secureHeaders } from "hono/secure-headers";
import type { GatewayEnv } from "../http/gateway-env.js";

/** The API only ever returns JSON: nothing may load, run or frame. */
const apiPolicy = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
    formAction: ["'none'"],
  },
  xFrameOptions: "DENY",
});

/**
 * The API reference loads its own scripts, styles and the spec from this origin and nothing else. Scripts
 * are files only (the initializer is `/docs/init.js`, not inline), so inline script stays forbidden; Swagger
 * UI sets inline styles and uses data: images for icons, which is all that is relaxed.
 */
const docsPolicy = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'self'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", "data:"],
    connectSrc: ["'self'"],
    fontSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    baseUri: ["'self'"],
    formAction: ["'self'"],
  },
  xFrameOptions: "DENY",
});

/** `securityHeaders` applies the docs policy under `/docs` and the strict API policy everywhere else. */
export const securityHeaders: MiddlewareHandler<GatewayEnv> = (c, next) =>
  c.req.path === "/docs" || c.req.path.startsWith("/docs/") ? docsPolicy(c, next) : apiPolicy(c, next);
