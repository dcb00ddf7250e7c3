// One saga: its steps (attempts, compensations, how long each took, the last error), each step's attempts
// from the history, the whole timeline, a retry when it waits for an operator, and its trace.
import { api } from "../api.js";
import { $, badge, esc, table, when } from "../lib/html.js";
import { traceIdOf, traceLink } from "../lib/trace-link.js";

let sagaId = null;

const duration = (msValue) => (msValue == null ? "" : `${msValue.toFixed(msValue >= 100 ? 0 : 1)} ms`);
const stepDuration = (s) =>
  s.durationMs ?? (s.startedAt && s.finishedAt ? Date.parse(s.finishedAt) - Date.parse(s.startedAt) : null);

/**
 * A bar as long as the step took, relative to the slowest step: where the time went, at a glance. SVG
 * attributes, because the CSP forbids inline styles.
 */
function bar(value, max) {
  if (value == null || max <= 0) return "";
  const width = Math.max(1, Math.round((value / max) * 100));
  return `<svg class="bar" viewBox="0 0 100 6" width="100" height="6" aria-hidden="true"><rect width="${width}" height="6" rx="2"/></svg>`;
}

function attemptsOf(saga, step) {
  const tries = saga.history.filter(
    (h) => h.step === step.name && h.attempt != null && h.outcome !== "started",
  );
  if (tries.length === 0) return "";
  return `<ol class="attempts">${tries
    .map(
      (h) =>
        `<li data-attempt="${esc(h.attempt)}">${esc(h.phase)} #${esc(h.attempt)} ${badge(h.outcome)} ${esc(duration(h.durationMs))}${h.error ? ` <span class="error">${esc(h.error)}</span>` : ""}</li>`,
    )
    .join("")}</ol>`;
}

/** The trace of the saga, where the saga records one (`traceId`, or the `traceparent` it started under). */
const sagaTrace = (saga) => traceLink(saga.traceId ?? traceIdOf(saga.traceparent)) || "";

function render(saga) {
  const retry =
    saga.status === "requires_attention"
      ? `<button type="button" id="saga-retry">Retry</button>`
      : saga.nextRetryAt
        ? `<button type="button" id="saga-retry">Retry now</button> <small class="muted">retries by itself at ${esc(when(saga.nextRetryAt))}</small>`
        : "";
  const slowest = Math.max(0, ...saga.steps.map((s) => stepDuration(s) ?? 0));
  $("#saga-detail").innerHTML =
    `<h2>Saga <span class="mono">${esc(saga.sagaId)}</span> ${badge(saga.status)} ${retry} ${sagaTrace(saga)}</h2>` +
    `<p class="muted">order <span class="mono">${esc(saga.orderId)}</span> · started ${esc(when(saga.createdAt))}${saga.failureReason ? ` · ${esc(saga.failureReason)}` : ""}</p>` +
    `<p id="saga-retry-result" role="status"></p>` +
    table(
      [
        { label: "step", value: (s) => s.name },
        { label: "status", html: (s) => badge(s.status) },
        { label: "attempts", num: true, value: (s) => s.attempts },
        { label: "compensations", num: true, value: (s) => s.compensationAttempts },
        { label: "took", html: (s) => `${esc(duration(stepDuration(s)))} ${bar(stepDuration(s), slowest)}` },
        { label: "attempts (newest last)", html: (s) => attemptsOf(saga, s) },
        { label: "last error", value: (s) => s.lastError ?? "" },
      ],
      saga.steps,
      (s) => `data-step="${esc(s.name)}"`,
    ) +
    `<h3>Timeline</h3><div class="timeline">` +
    table(
      [
        { label: "time", value: (h) => h.at.slice(11, 23) },
        { label: "phase", value: (h) => h.phase },
        { label: "step", value: (h) => h.step ?? "" },
        { label: "outcome", html: (h) => badge(h.outcome) },
        { label: "attempt", num: true, value: (h) => h.attempt ?? "" },
        { label: "duration", num: true, value: (h) => duration(h.durationMs) },
        { label: "detail", value: (h) => h.error ?? h.message ?? "" },
      ],
      saga.history,
    ) +
    `</div>`;
  $("#saga-retry")?.addEventListener("click", async () => {
    try {
      await api(`/api/admin/sagas/${encodeURIComponent(saga.sagaId)}/retry`, {
        method: "POST",
        headers: { "idempotency-key": crypto.randomUUID() },
      });
    } catch (err) {
      $("#saga-retry-result").textContent = err.message;
      return;
    }
    await load();
  });
}

async function load() {
  if (!sagaId) return;
  render(await api(`/api/admin/sagas/${encodeURIComponent(sagaId)}`));
}

export const sagaDetail = {
  open(id) {
    sagaId = id;
    return load().catch(() => undefined);
  },
  load,
};
