import { RESTART_BACKOFF } from "./restart-backoff.js";

export interface BannerOptions {
  readonly mode: string;
  /** What runs, on the ports it really listens on. */
  readonly services: ReadonlyArray<{ name: string; port: number; role: string }>;
  readonly natsUrl: string;
  readonly natsReused: boolean;
  readonly natsContext: string;
  /** Undefined when the gateway is not among the services (`--only`). */
  readonly gatewayUrl: string | undefined;
  readonly consoleUrl: string | undefined;
  /** The trace viewer's URL, or why there is none. */
  readonly traces: string;
  /** The gateway's `RATE_LIMIT_AUTH` in this run. */
  readonly authLimit: string;
  readonly admin: { email: string; password: string };
  readonly customer: { email: string; password: string };
}

/** The first thing a newcomer sees: where everything is and what to try. */
export function banner(o: BannerOptions): string {
  // As wide as the longest name (an instance's, like `notifications-1`), at least as wide as before.
  const width = Math.max(14, ...o.services.map((s) => s.name.length));
  const rows = o.services.map((s) => `   ${s.name.padEnd(width)} :${s.port}  ${s.role}`);
  const seconds = (ms: number): string => `${ms / 1000} s`;
  const api = o.gatewayUrl
    ? [
        `  │ API           ${o.gatewayUrl}/api`,
        `  │ API docs      ${o.gatewayUrl}/docs`,
        `  │ console       ${o.consoleUrl ?? "(not started)"}`,
        `  │ traces        ${o.traces}`,
        `  │ ops CLI       pnpm bazaar health   (GATEWAY_URL=${o.gatewayUrl})`,
      ]
    : ["  │ API           (the gateway is not among --only)"];
  return [
    "",
    "  ┌─ Bazaar is running ────────────────────────────────────────────────",
    `  │ mode          ${o.mode === "monolith" ? "modular monolith (all services in one process)" : "one process per service (hot reload)"}`,
    ...api,
    `  │ admin         ${o.admin.email} / ${o.admin.password}`,
    `  │ customer      ${o.customer.email} / ${o.customer.password}`,
    `  │ NATS          ${o.natsUrl}${o.natsReused ? " (already running, reused)" : ""}`,
    `  │ nats CLI      ${o.natsContext}`,
    `  │ restarts      a service that crashes is restarted (after ${seconds(RESTART_BACKOFF.firstMs)}, doubling to ${seconds(RESTART_BACKOFF.maxMs)}); watch this log`,
    `  │ rate limits   development: ${o.authLimit} auth requests a minute per IP (RATE_LIMIT_AUTH)`,
    "  │ try           pnpm demo          (a scripted tour; exits non-zero if anything is off)",
    "  │               .bin/nats stream ls · .bin/nats micro ls",
    "  │ stop          Ctrl-C (data is kept in .data/; pnpm dev:reset wipes it)",
    "  └────────────────────────────────────────────────────────────────────",
    ...rows,
    "",
  ].join("\n");
}
