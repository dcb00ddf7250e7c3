import type { CheckResult, SystemHealth } from "../api-types.js";
import { type CommandContext, emit } from "../context.js";
import { EXIT, type ExitCode } from "../exit-codes.js";
import { table } from "../table.js";

/** The checks of an instance that fail, as `name: output`. */
function failing(checks: Readonly<Record<string, unknown>>): string {
  const out: string[] = [];
  for (const [name, results] of Object.entries(checks)) {
    for (const r of Array.isArray(results) ? (results as CheckResult[]) : []) {
      if (r.status === "fail") out.push(r.output ? `${name}: ${r.output}` : name);
    }
  }
  return out.join("; ");
}

/** `bazaar health`: readiness of every service; exit 1 when one is not ready. */
export async function health(ctx: CommandContext): Promise<ExitCode> {
  // 503 carries the same document: a system that is not ready is an answer, not an error.
  const { body } = await ctx.client.get<SystemHealth>("/api/system/health", [200, 503]);
  const rows = body.services.flatMap((s) =>
    s.instances.length === 0
      ? [{ service: s.name, status: s.status, instance: "(none running)", version: "", problems: "" }]
      : s.instances.map((i) => ({
          service: s.name,
          status: i.status,
          instance: i.instance,
          version: i.version,
          problems: failing(i.checks),
        })),
  );
  emit(ctx, body, () =>
    [
      table(
        [
          { label: "service", value: (r) => r.service },
          { label: "status", value: (r) => r.status },
          { label: "instance", value: (r) => r.instance },
          { label: "version", value: (r) => r.version },
          { label: "failing checks", value: (r) => r.problems, max: 80 },
        ],
        rows,
      ),
      "",
      body.status === "pass" ? "every service is ready" : "NOT READY: see the failing services above",
    ].join("\n"),
  );
  return body.status === "pass" ? EXIT.ok : EXIT.problem;
}
