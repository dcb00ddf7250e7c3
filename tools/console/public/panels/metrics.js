// Metrics over time: consumer lag, outbox pending and age, RPC p95 per endpoint and orders per minute by
// outcome, sampled by the console's server from each service's /metrics (the last 30 minutes, in memory).
import { api } from "../api.js";
import { $, esc, table } from "../lib/html.js";
import { sparkline } from "../lib/sparkline.js";

const CHARTS = [
  {
    chart: "consumer_lag",
    title: "Consumer lag",
    unit: "messages",
    label: (l) => `${l.service} · ${l.consumer}`,
  },
  { chart: "outbox_pending", title: "Outbox pending", unit: "events", label: (l) => l.service },
  {
    chart: "outbox_oldest_age_seconds",
    title: "Outbox oldest pending age",
    unit: "s",
    label: (l) => l.service,
  },
  {
    chart: "rpc_p95_ms",
    title: "RPC p95 per endpoint",
    unit: "ms",
    label: (l) => `${l.service} · ${l.endpoint}`,
  },
  {
    chart: "orders_per_minute",
    title: "Orders per minute by outcome",
    unit: "/min",
    label: (l) => l.outcome,
  },
];

const round = (v) =>
  Number.isInteger(v) || Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(Math.abs(v) >= 10 ? 1 : 2);

function chartOf({ chart, title, unit, label }, history, span) {
  const series = history.series
    .filter((s) => s.chart === chart)
    .map((s) => ({ ...s, max: Math.max(0, ...s.points.map(([, v]) => v)) }))
    .sort((a, b) => b.max - a.max || label(a.labels).localeCompare(label(b.labels)));
  const rows = (list) =>
    table(
      [
        { label: "series", value: (s) => label(s.labels) },
        { label: span.label, html: (s) => sparkline(s.points, { ...span, gapMs: history.intervalMs * 2.5 }) },
        { label: "now", num: true, value: (s) => `${round(s.points.at(-1)?.[1] ?? 0)} ${unit}` },
        { label: "max", num: true, value: (s) => `${round(s.max)} ${unit}` },
      ],
      list,
      (s) => `data-series="${esc(chart)}" data-label="${esc(label(s.labels))}"`,
    );
  // What moves is what an operator looks at: series that stayed at zero fold away.
  const moving = series.filter((s) => s.max > 0);
  const quiet = series.filter((s) => s.max === 0);
  const shown =
    moving.length || !series.length ? rows(moving) : `<p class="muted">zero throughout so far</p>`;
  const folded = quiet.length
    ? `<details class="quiet"><summary>${quiet.length} series at zero throughout</summary>${rows(quiet)}</details>`
    : "";
  return `<section class="chart" data-chart="${esc(chart)}"><h3>${esc(title)}</h3>${shown}${folded}</section>`;
}

/** The time the charts span: the window, or less while the console has not sampled that long yet. */
function spanOf(history, now) {
  const oldest = Math.min(now, ...history.series.map((s) => s.points[0]?.[0] ?? now));
  const from = Math.max(now - history.windowMs, oldest);
  const seconds = Math.round((now - from) / 1000);
  const label =
    now - from >= history.windowMs - 60_000
      ? "last 30 min"
      : seconds < 120
        ? `last ${seconds} s`
        : `last ${Math.round(seconds / 60)} min`;
  return { from, to: now, label };
}

function sourcesOf(history) {
  const failing = Object.entries(history.sources).filter(([, s]) => s.lastError);
  if (failing.length === 0) return "";
  return `<p class="error" data-metrics-failing>${failing
    .map(
      ([name, s]) =>
        `${esc(name)}: ${esc(s.lastError)} (last scraped ${s.lastSuccessAt ? esc(new Date(s.lastSuccessAt).toLocaleTimeString()) : "never"})`,
    )
    .join("; ")}</p>`;
}

async function load() {
  const history = await api("/metrics-history.json");
  if (!history) {
    $("#metrics").innerHTML =
      `<p class="muted">This console samples no metrics: start it with <code>metricsUrls</code> (pnpm dev does).</p>`;
    return;
  }
  const span = spanOf(history, Date.now());
  $("#metrics").innerHTML =
    `<p class="muted">every ${history.intervalMs / 1000} s from ${Object.keys(history.sources).length} service(s)</p>` +
    sourcesOf(history) +
    CHARTS.map((c) => chartOf(c, history, span)).join("");
}

export const metricsPanel = { tab: "metrics", load, intervalMs: 5000 };
