import { Hono, type MiddlewareHandler } from "hono";
import type { GatewayEnv } from "../http/gateway-env.js";
import type { OperationDoc } from "../openapi/operation.js";
import type { RouteDeclaration } from "./route-declaration.js";

/** A sub-app's routes: mounted under `prefix`, documented under `tag` unless a route names its own. */
export interface RouteGroup {
  readonly prefix: string;
  readonly tag: string;
  readonly routes: readonly RouteDeclaration[];
}

/** `fullPath` is a route's path under its group's prefix, as Hono joins them (`/api/orders` + `/` = `/api/orders`). */
export function fullPath(prefix: string, path: string): string {
  if (path === "/") return prefix;
  return prefix === "/" ? path : `${prefix}${path}`;
}

/** `groupDocs` is the operations of a group, with full paths and tags: what the document lists. */
export function groupDocs(group: RouteGroup): OperationDoc[] {
  return group.routes.map((route) => ({
    ...route.doc,
    path: fullPath(group.prefix, route.path),
    tag: route.doc.tag ?? group.tag,
  }));
}

/**
 * `groupApp` is the group as a Hono sub-app with paths relative to its prefix, for `app.route(prefix, …)`.
 * Every `/api` route gets the request deadline in front of its handler, except long-lived ones (the event
 * stream), which is why the deadline is per route rather than one `/api/*` middleware.
 */
export function groupApp(
  group: RouteGroup,
  options: { deadline: MiddlewareHandler<GatewayEnv> },
): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  for (const route of group.routes) {
    const timed = !route.longLived && fullPath(group.prefix, route.path).startsWith("/api/");
    if (timed) app.on(route.method.toUpperCase(), route.path, options.deadline, route.handle);
    else app.on(route.method.toUpperCase(), route.path, route.handle);
  }
  return app;
}
