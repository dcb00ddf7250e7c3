import type { OperationDoc } from "./operation.js";

/**
 * `checkCoverage` compares the routes an app registered with the docs: every route needs a doc and every
 * doc a route, and admin paths must be documented as admin. It returns what is wrong (empty when nothing).
 */
export function checkCoverage(
  routes: ReadonlyArray<{ method: string; path: string }>,
  docs: readonly OperationDoc[],
): string[] {
  const registered = new Set<string>();
  for (const r of routes)
    if (r.method !== "ALL" && !r.path.endsWith("*")) registered.add(`${r.method} ${r.path}`);
  const documented = new Set(docs.map((d) => `${d.method.toUpperCase()} ${d.path}`));
  const problems: string[] = [];
  for (const key of registered) if (!documented.has(key)) problems.push(`${key} has no OpenAPI doc`);
  for (const key of documented)
    if (!registered.has(key)) problems.push(`${key} is documented but not served`);
  for (const d of docs)
    if (d.path.startsWith("/api/admin/") && d.access !== "admin") problems.push(`${d.path} must be admin`);
  return problems;
}
