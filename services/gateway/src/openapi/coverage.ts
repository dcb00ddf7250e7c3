import { requireIdempotencyKey } from "../http/idempotency.js";
import type { OperationDoc } from "./operation.js";

/**
 * `checkCoverage` compares the routes an app registered with the docs: every route needs a doc and every
 * doc a route, admin paths must be documented as admin, and a route guarded by `requireIdempotencyKey`
 * must document the key as required (and only such a route). It returns what is wrong (empty when nothing).
 */
export function checkCoverage(
  routes: ReadonlyArray<{ method: string; path: string; handler?: unknown }>,
  docs: readonly OperationDoc[],
): string[] {
  const registered = new Set<string>();
  const keyed = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL" || r.path.endsWith("*")) continue;
    registered.add(`${r.method} ${r.path}`);
    if (r.handler === requireIdempotencyKey) keyed.add(`${r.method} ${r.path}`);
  }
  const documented = new Set(docs.map((d) => `${d.method.toUpperCase()} ${d.path}`));
  const problems: string[] = [];
  for (const key of registered) if (!documented.has(key)) problems.push(`${key} has no OpenAPI doc`);
  for (const key of documented)
    if (!registered.has(key)) problems.push(`${key} is documented but not served`);
  for (const d of docs) {
    const key = `${d.method.toUpperCase()} ${d.path}`;
    if (d.path.startsWith("/api/admin/") && d.access !== "admin") problems.push(`${d.path} must be admin`);
    const required = d.headers?.some((h) => h.name === "Idempotency-Key" && h.required) ?? false;
    if (keyed.has(key) && !required) problems.push(`${key} requires an Idempotency-Key its doc does not`);
    if (!keyed.has(key) && required && registered.has(key))
      problems.push(`${key} documents a required Idempotency-Key the route does not check`);
  }
  return problems;
}
