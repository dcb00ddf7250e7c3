// The order-views read model's rebuild: start one, and follow its progress, counts and skipped messages.
import { api } from "../api.js";
import { $, badge, esc, table, when } from "../lib/html.js";

const REBUILD = "/api/admin/read-models/order-views/rebuild";
const MODE = { replace: "replaced the model", merge: "merged over the model (older history gone)" };
let polling = null;

export async function loadRebuild() {
  const r = await api(REBUILD);
  const facts = [
    `${r.processed}/${r.total} events replayed`,
    `${r.skipped} skipped`,
    r.mode ? MODE[r.mode] : "",
    r.startedAt ? `started ${when(r.startedAt)}` : "",
    r.finishedAt ? `finished ${when(r.finishedAt)}` : "",
  ].filter(Boolean);
  $("#rebuild").disabled = r.state === "running";
  const progress =
    r.state === "running" && r.total > 0
      ? `<progress max="${r.total}" value="${r.processed}"></progress>`
      : "";
  $("#rebuild-status").innerHTML =
    `<p data-rebuild-state="${esc(r.state)}">${badge(r.state)} ${progress} <span class="muted">${esc(facts.join(" · "))}</span></p>` +
    (r.error ? `<p class="error" data-rebuild-error>${esc(r.error)}</p>` : "") +
    (r.skippedEvents.length
      ? `<h3>Skipped events <small class="muted">they fail their contract; see the dead letters</small></h3>` +
        table(
          [
            { label: "stream", value: (s) => s.stream },
            { label: "seq", num: true, value: (s) => s.seq },
            { label: "subject", html: (s) => `<span class="mono">${esc(s.subject)}</span>` },
            { label: "reason", value: (s) => s.reason },
          ],
          r.skippedEvents,
          (s) => `data-skipped="${esc(s.seq)}"`,
        )
      : "");
  return r;
}

/** While a rebuild runs, its progress is polled faster than the tab's own refresh. */
async function follow() {
  clearTimeout(polling);
  const r = await loadRebuild().catch(() => null);
  if (r?.state === "running" && !$("#tab-streams").hidden) polling = setTimeout(follow, 400);
}

$("#rebuild").addEventListener("click", async () => {
  try {
    const started = await api(REBUILD, {
      method: "POST",
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    $("#rebuild-result").textContent = `rebuild ${started.rebuildId.slice(0, 8)} started`;
  } catch (err) {
    $("#rebuild-result").textContent = err.message;
  }
  await follow();
});
