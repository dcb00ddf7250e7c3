/** One readiness check: a name, whether it is local to the service, and how to run it. */
export interface ReadinessCheck {
  readonly name: string;
  /**
   * Local checks (the service's own SQLite, its own resources) gate event consumption: while one fails,
   * consumers pause. Dependency checks (NATS, JetStream) only report.
   */
  readonly local: boolean;
  /** Throws (or returns a failure message) when not ready; may return an observed value. */
  readonly run: () => unknown | Promise<unknown>;
  /** Max time for the check before it counts as failed (default 1000 ms). */
  readonly timeoutMs?: number;
}

export interface CheckResult {
  readonly status: "pass" | "fail";
  readonly time: string;
  readonly observedValue?: unknown;
  readonly output?: string;
  readonly durationMs: number;
}

/** The `application/health+json` body (draft-inadarei-api-health-check), used over HTTP and NATS. */
export interface HealthReport {
  readonly status: "pass" | "fail";
  readonly service: string;
  readonly version: string;
  readonly instance: string;
  readonly checks: Record<string, CheckResult[]>;
}

/** Returned by a check's `run` to fail with a message without throwing. */
export class CheckFailed {
  constructor(readonly output: string) {}
}

async function runOne(check: ReadinessCheck): Promise<CheckResult> {
  const started = performance.now();
  const time = new Date().toISOString();
  let timer: NodeJS.Timeout | undefined;
  try {
    const value = await Promise.race([
      Promise.resolve().then(check.run),
      new Promise((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`timed out after ${check.timeoutMs ?? 1000} ms`)),
          check.timeoutMs ?? 1000,
        );
      }),
    ]);
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    if (value instanceof CheckFailed) return { status: "fail", time, output: value.output, durationMs };
    return { status: "pass", time, durationMs, ...(value === undefined ? {} : { observedValue: value }) };
  } catch (err) {
    const durationMs = Math.round((performance.now() - started) * 100) / 100;
    return { status: "fail", time, output: err instanceof Error ? err.message : String(err), durationMs };
  } finally {
    clearTimeout(timer);
  }
}

/** `evaluateReadiness` runs every check concurrently; the service is ready only if all pass. */
export async function evaluateReadiness(
  identity: { service: string; version: string; instance: string },
  checks: readonly ReadinessCheck[],
): Promise<{ report: HealthReport; localOk: boolean }> {
  const results = await Promise.all(checks.map(runOne));
  const map: Record<string, CheckResult[]> = {};
  let ok = true;
  let localOk = true;
  checks.forEach((check, i) => {
    const result = results[i] as CheckResult;
    map[check.name] = [result];
    if (result.status === "fail") {
      ok = false;
      if (check.local) localOk = false;
    }
  });
  return { report: { status: ok ? "pass" : "fail", ...identity, checks: map }, localOk };
}
