import { topology } from "../../../topology.js";

export interface BannerOptions {
  readonly mode: string;
  readonly natsUrl: string;
  readonly natsReused: boolean;
  readonly natsContext: string;
  readonly gatewayUrl: string;
  readonly consoleUrl: string | undefined;
  readonly admin: { email: string; password: string };
  readonly customer: { email: string; password: string };
}

/** The first thing a newcomer sees: where everything is and what to try. */
export function banner(o: BannerOptions): string {
  const rows = topology.services.map((s) => `   ${s.name.padEnd(14)} :${s.port}  ${s.role}`);
  return [
    "",
    "  ┌─ Bazaar is running ────────────────────────────────────────────────",
    `  │ mode          ${o.mode === "monolith" ? "modular monolith (all services in one process)" : "one process per service (hot reload)"}`,
    `  │ API           ${o.gatewayUrl}/api`,
    `  │ API docs      ${o.gatewayUrl}/docs`,
    `  │ console       ${o.consoleUrl ?? "(not started)"}`,
    `  │ admin         ${o.admin.email} / ${o.admin.password}`,
    `  │ customer      ${o.customer.email} / ${o.customer.password}`,
    `  │ NATS          ${o.natsUrl}${o.natsReused ? " (already running, reused)" : ""}`,
    `  │ nats CLI      ${o.natsContext}`,
    "  │ try           pnpm demo          (a scripted tour; exits non-zero if anything is off)",
    "  │               .bin/nats stream ls · .bin/nats micro ls",
    "  │ stop          Ctrl-C (data is kept in .data/; pnpm dev:reset wipes it)",
    "  └────────────────────────────────────────────────────────────────────",
    ...rows,
    "",
  ].join("\n");
}
