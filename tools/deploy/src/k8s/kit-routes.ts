import {
  createLogger,
  createMetrics,
  createMetricsApp,
  createServiceApp,
  InFlight,
} from "@bazaar/service-kit/platform";

const NAMES = { service: "probe-check", instance: "probe-check" };

function getRoutes(app: { readonly routes: readonly { method: string; path: string }[] }): Set<string> {
  return new Set(
    app.routes
      .filter((route) => route.method === "GET" && !route.path.includes("*"))
      .map((route) => route.path),
  );
}

/**
 * `kitRoutes` asks the service kit itself which GET routes every service serves on its HTTP port, by
 * building the HTTP shell each service runs (`createServiceApp`) as the manifests configure it (metrics
 * on a port of their own) and listing its routes. A route the kit drops or renames drops out of this
 * set, and a probe that still points at it fails `checkProbes`.
 */
export function kitRoutes(): Set<string> {
  const app = createServiceApp({
    ...NAMES,
    log: createLogger({ ...NAMES, level: "silent", pretty: false }),
    metrics: createMetrics(NAMES),
    metricsEnabled: false,
    inFlight: new InFlight(),
    ready: async () => {
      throw new Error("not called: only the routes are listed");
    },
  });
  return getRoutes(app);
}

/** What the kit serves on `METRICS_PORT`, where Prometheus scrapes. */
export function kitMetricsRoutes(): Set<string> {
  return getRoutes(createMetricsApp({ metrics: createMetrics(NAMES) }));
}

/** What nats-server serves on its monitoring port that probes may use. */
export const NATS_MONITOR_ROUTES: ReadonlySet<string> = new Set(["/healthz"]);
