// Dead letters: filter by service, stream, event type and error; read each one's payload and error; see
// them grouped by error (like failures with the same cause); replay or discard one, a group or everything
// matching the filter (dead-letter-jobs.js), or edit one's payload and replay it (dead-letter-editor.js).
import { api } from "../api.js";
import { $, badge, esc, json, table, when } from "../lib/html.js";
import { traceIdOf, traceLink } from "../lib/trace-link.js";
import { openEditor } from "./dead-letter-editor.js";
import { loadJobs, startJob } from "./dead-letter-jobs.js";

const FILTERS = ["service", "stream", "eventType", "error"];
const paging = { stack: [], cursor: null, next: null };

/** The filter as the form holds it: only the fields the operator filled. */
export function currentFilter() {
  const filter = {};
  for (const name of FILTERS) {
    const value = $(`#dlq-filter [name="${name}"]`).value.trim();
    if (value) filter[name] = value;
  }
  return filter;
}

const reasonOrAsk = () => {
  // A discarded event is gone for good: the operator says why, and the gateway logs it.
  const reason = $("#dlq-reason").value.trim();
  if (reason) return reason;
  $("#dlq-result").textContent = "say why you discard it (the reason is logged)";
  $("#dlq-reason").focus();
  return null;
};

function details(d) {
  const trace = traceLink(traceIdOf(d.payload?.traceparent));
  return (
    `<details data-payload-of="${esc(d.id)}"><summary>payload and error</summary>` +
    `<p class="error">${esc(d.error)}</p>` +
    `<p class="muted">${esc(d.eventType ?? "not an event envelope")}${d.eventId ? ` · event ${esc(d.eventId)}` : ""} · group ${esc(d.groupKey ?? "")} ${trace}</p>` +
    `<pre class="payload">${json(d.payload)}</pre></details>`
  );
}

function renderList(items) {
  const open = new Set(
    [...document.querySelectorAll("#dlq-table details[open]")].map((el) => el.dataset.payloadOf),
  );
  $("#dlq-table").innerHTML = table(
    [
      { label: "id", num: true, value: (d) => d.id },
      { label: "service", value: (d) => d.service },
      { label: "consumer", value: (d) => d.consumer },
      {
        label: "from",
        html: (d) => `<span class="mono">${esc(d.stream)} #${d.sequence} ${esc(d.subject)}</span>`,
      },
      { label: "deliveries", num: true, value: (d) => d.deliveries },
      {
        label: "reason",
        html: (d) =>
          badge(d.reason) +
          (d.edited
            ? ` <span class="badge edited" data-edited>edited by ${esc(d.edited.by ?? "?")}</span>`
            : ""),
      },
      { label: "error", html: details },
      { label: "failed", value: (d) => when(d.failedAt) },
      {
        label: "",
        html: (d) =>
          `<button type="button" data-replay="${esc(d.id)}">Replay</button> ` +
          `<button type="button" data-edit="${esc(d.id)}">Edit &amp; replay</button> ` +
          `<button type="button" data-discard="${esc(d.id)}">Discard</button>`,
      },
    ],
    items,
    (d) => `data-dead-letter="${esc(d.id)}" data-group="${esc(d.groupKey ?? "")}"`,
  );
  for (const el of document.querySelectorAll("#dlq-table details[data-payload-of]"))
    if (open.has(el.dataset.payloadOf)) el.open = true;
  const byId = new Map(items.map((d) => [String(d.id), d]));
  for (const button of document.querySelectorAll("#dlq-table button[data-replay]"))
    button.addEventListener("click", () => replayOne(button.dataset.replay));
  for (const button of document.querySelectorAll("#dlq-table button[data-discard]"))
    button.addEventListener("click", () => discardOne(button.dataset.discard));
  for (const button of document.querySelectorAll("#dlq-table button[data-edit]"))
    button.addEventListener("click", () => openEditor(byId.get(button.dataset.edit), load));
}

function renderGroups({ groups, total }) {
  $("#dlq-groups").innerHTML =
    `<p class="muted">${total} dead letter(s) in ${groups.length} group(s)</p>` +
    table(
      [
        { label: "count", num: true, value: (g) => g.count },
        { label: "service", value: (g) => g.service },
        { label: "consumer", value: (g) => g.consumer },
        {
          label: "error",
          html: (g) =>
            `<span class="mono">${esc(g.errorPattern)}</span><br /><small class="muted">e.g. ${esc(g.sampleError)}</small>`,
        },
        { label: "events", value: (g) => g.eventTypes.join(", ") },
        { label: "first", value: (g) => when(g.firstFailedAt) },
        { label: "last", value: (g) => when(g.lastFailedAt) },
        {
          label: "",
          html: (g) =>
            `<button type="button" data-replay-group="${esc(g.key)}">Replay group</button> ` +
            `<button type="button" data-discard-group="${esc(g.key)}">Discard group</button>`,
        },
      ],
      groups,
      (g) => `data-group-key="${esc(g.key)}"`,
    );
  for (const button of document.querySelectorAll("#dlq-groups button[data-replay-group]"))
    button.addEventListener("click", () =>
      startJob({ kind: "replay", filter: currentFilter(), groupKey: button.dataset.replayGroup }, load),
    );
  for (const button of document.querySelectorAll("#dlq-groups button[data-discard-group]"))
    button.addEventListener("click", () => {
      const reason = reasonOrAsk();
      if (reason)
        startJob(
          { kind: "discard", filter: currentFilter(), groupKey: button.dataset.discardGroup, reason },
          load,
        );
    });
}

async function replayOne(id) {
  try {
    const done = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}/replay`, { method: "POST" });
    $("#dlq-result").textContent = `replayed dead letter ${done.id} to ${done.subject}`;
  } catch (err) {
    $("#dlq-result").textContent = `replay of dead letter ${id} failed: ${err.message}`;
  }
  await load().catch(() => undefined);
}

async function discardOne(id) {
  const reason = reasonOrAsk();
  if (!reason) return;
  try {
    const done = await api(`/api/admin/dead-letters/${encodeURIComponent(id)}/discard`, {
      method: "POST",
      body: JSON.stringify({ reason }),
    });
    $("#dlq-result").textContent = `discarded dead letter ${done.id}`;
  } catch (err) {
    $("#dlq-result").textContent = `discard of dead letter ${id} failed: ${err.message}`;
  }
  await load().catch(() => undefined);
}

async function load() {
  const params = new URLSearchParams({ ...currentFilter(), limit: "50" });
  const filterOnly = new URLSearchParams(currentFilter());
  if (paging.cursor) params.set("cursor", paging.cursor);
  const [list, groups] = await Promise.all([
    api(`/api/admin/dead-letters?${params}`),
    api(`/api/admin/dead-letters/groups?${filterOnly}`),
    loadJobs(load),
  ]);
  paging.next = list.nextCursor ?? null;
  renderList(list.items);
  renderGroups(groups);
  $("#replay-matching").textContent = `Replay all ${groups.total} matching`;
  $("#discard-matching").textContent = `Discard all ${groups.total} matching`;
  $("#dlq-prev").disabled = paging.stack.length === 0;
  $("#dlq-next").disabled = !paging.next;
}

function restart() {
  paging.stack = [];
  paging.cursor = null;
  void load().catch(() => undefined);
}

$("#dlq-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  restart();
});
$("#dlq-next").addEventListener("click", () => {
  if (!paging.next) return;
  paging.stack.push(paging.cursor);
  paging.cursor = paging.next;
  void load().catch(() => undefined);
});
$("#dlq-prev").addEventListener("click", () => {
  paging.cursor = paging.stack.pop() ?? null;
  void load().catch(() => undefined);
});
$("#replay-matching").addEventListener("click", () =>
  startJob({ kind: "replay", filter: currentFilter() }, load),
);
$("#discard-matching").addEventListener("click", () => {
  const reason = reasonOrAsk();
  if (reason) startJob({ kind: "discard", filter: currentFilter(), reason }, load);
});

export const deadLettersPanel = { tab: "dead-letters", load };
