import { createLogger, createMetrics, createServiceApp, InFlight } from "@bazaar/service-kit/platform";

/**
 * `kitRoutes` asks the service kit itself which GET routes every service serves, by building the HTTP
 * shell each service runs (`createServiceApp`) and listing its routes. A route the kit drops or renames
 * drops out of this set, and a probe that still points at it fails `checkProbes`.
 */
export function kitRoutes(): Set<string> {
  const app = createServiceApp({
    service: "probe-check",
    instance: "probe-check",
    log: createLogger({ service: "probe-check", instance: "probe-check", level: "silent", pretty: false }),
    metrics: createMetrics({ service: "probe-check", instance: "probe-check" }),
    metricsEnabled: true,
    inFlight: new InFlight(),
    ready: async () => {
      throw new Error("not called: only the routes are listed");
    },
  });
  return new Set(
    app.routes
      .filter((route) => route.method === "GET" && !route.path.includes("*"))
      .map((route) => route.path),
  );
}

/** What nats-server serves on its monitoring port that probes may use. */
export const NATS_MONITOR_ROUTES: ReadonlySet<string> = new Set(["/healthz"]);
