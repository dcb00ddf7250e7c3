// Services: every running instance (NATS discovery), its endpoints' counters, its readiness checks one by
// one (what `application/health+json` carries: status, observed value, output), and the topology.
import { api } from "../api.js";
import { $, badge, esc, ms, table, when } from "../lib/html.js";
import { drawTopology } from "../topology.js";

/**
 * The service names in the registry's order (packages/topology), which the console's own server sends as
 * /topology.json: fetched once; without it the console still works, in the gateway's order.
 */
let registryOrder;
function serviceOrder() {
  registryOrder ??= api("/topology.json")
    .then((registry) => registry.services.map((s) => s.name))
    .catch(() => {
      registryOrder = undefined;
      return [];
    });
  return registryOrder;
}

/** One check's results: health+json allows a list per check (one per component) or a single object. */
const resultsOf = (value) =>
  Array.isArray(value) ? value : value && typeof value === "object" ? [value] : [];

function observed(result) {
  if (result.observedValue === undefined) return "";
  const value =
    typeof result.observedValue === "object" ? JSON.stringify(result.observedValue) : result.observedValue;
  return `${value}${result.observedUnit ? ` ${result.observedUnit}` : ""}`;
}

/** The checks of one instance, each with its output: a failing one says why, not only that it fails. */
function checksOf(instance) {
  if (!instance.health) return `<p class="error">did not answer the readiness probe in time</p>`;
  const rows = Object.entries(instance.health.checks).flatMap(([name, value]) =>
    resultsOf(value).map((r) => ({ name, ...r })),
  );
  const failing = rows.filter((r) => r.status !== "pass").length;
  return (
    `<details class="checks" ${failing > 0 ? "open" : ""}><summary>${rows.length} check(s)${failing ? `, ${failing} not passing` : ""}</summary>` +
    table(
      [
        { label: "check", html: (r) => `<span class="mono">${esc(r.name)}</span>` },
        { label: "status", html: (r) => badge(r.status ?? "unknown") },
        { label: "observed", value: observed },
        { label: "output", value: (r) => r.output ?? "" },
        { label: "at", value: (r) => when(r.time) },
      ],
      rows,
      (r) => `data-check="${esc(r.name)}" data-check-status="${esc(r.status ?? "unknown")}"`,
    ) +
    `</details>`
  );
}

async function load() {
  const [{ services }, topology, order] = await Promise.all([
    api("/api/admin/services"),
    api("/api/admin/topology"),
    serviceOrder(),
  ]);
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  const rows = services
    .flatMap((s) => s.instances)
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  // Keep the operator's open/closed choice for each instance's checks across refreshes.
  const open = new Set(
    [...document.querySelectorAll("#services-table tr[data-instance]")]
      .filter((tr) => tr.querySelector("details")?.open)
      .map((tr) => tr.dataset.instance),
  );
  $("#services-table").innerHTML = table(
    [
      { label: "service", value: (i) => i.name },
      { label: "version", value: (i) => i.version },
      { label: "instance", value: (i) => i.metadata.instance ?? i.id },
      { label: "ready", html: (i) => badge(i.health?.status ?? "unknown") },
      { label: "checks", html: checksOf },
      {
        label: "endpoints",
        html: (i) =>
          i.endpoints
            .map(
              (e) =>
                `<div class="mono">${esc(e.name)}: ${e.num_requests} req, ${e.num_errors} err, ${ms(e.average_processing_time)} ms avg</div>`,
            )
            .join(""),
      },
      { label: "requests", num: true, value: (i) => i.endpoints.reduce((n, e) => n + e.num_requests, 0) },
      { label: "errors", num: true, value: (i) => i.endpoints.reduce((n, e) => n + e.num_errors, 0) },
    ],
    rows,
    (i) => `data-service="${esc(i.name)}" data-instance="${esc(i.id)}"`,
  );
  for (const tr of document.querySelectorAll("#services-table tr[data-instance]")) {
    const details = tr.querySelector("details");
    if (details && open.has(tr.dataset.instance)) details.open = true;
  }
  $("#topology").innerHTML = drawTopology(topology, order);
}

export const servicesPanel = { tab: "services", load };
