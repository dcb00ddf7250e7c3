// Bulk replay and discard run in the gateway as jobs (they walk the whole dead-letter stream, not a page
// of it); the console starts one and polls it for its progress until it ends.
import { api } from "../api.js";
import { $, badge, esc, table, when } from "../lib/html.js";

const JOBS = "/api/admin/dead-letters/replays";
const POLL_MS = 500;
let following = null;

const counts = (j) =>
  `${j.matched} matched · ${j.kind === "discard" ? `${j.discarded} discarded` : `${j.replayed} replayed`} · ${j.failed} failed · ${j.skipped} skipped`;

/** What a job covers; the gateway folds the group into the filter too, so it is named once. */
const scope = (j) =>
  [
    j.groupKey ? `group ${j.groupKey}` : "",
    ...Object.entries(j.filter ?? {})
      .filter(([k]) => k !== "groupKey")
      .map(([k, v]) => `${k}: ${v}`),
  ]
    .filter(Boolean)
    .join(", ") || "every dead letter";

function renderJob(job) {
  const done = job.kind === "discard" ? job.discarded : job.replayed;
  const progress =
    job.status === "running"
      ? `<progress max="${Math.max(job.matched, 1)}" value="${done + job.failed + job.skipped}"></progress>`
      : "";
  $("#dlq-job").innerHTML =
    `<p data-job="${esc(job.jobId)}" data-job-status="${esc(job.status)}" data-job-kind="${esc(job.kind)}">` +
    `${esc(job.kind)} job <span class="mono">${esc(job.jobId.slice(0, 8))}</span> ${badge(job.status)} ${progress} ` +
    `<span data-job-counts>${esc(counts(job))}</span> <span class="muted">(${esc(scope(job))})</span>` +
    (job.error ? ` <span class="error">${esc(job.error)}</span>` : "") +
    `</p>`;
}

/** Polls one job until it is no longer running, then reloads the list (`reload`). */
async function follow(jobId, reload) {
  clearTimeout(following);
  try {
    const job = await api(`${JOBS}/${encodeURIComponent(jobId)}`);
    renderJob(job);
    if (job.status === "running") {
      following = setTimeout(() => void follow(jobId, reload), POLL_MS);
      return;
    }
  } catch {
    // The banner says the poll failed; try again while the operator looks at this tab.
    following = setTimeout(() => void follow(jobId, reload), POLL_MS * 4);
    return;
  }
  await Promise.all([reload().catch(() => undefined), loadJobs()]);
}

/**
 * `startJob` asks the gateway to replay or discard (with `reason`) every dead letter matching `filter` and
 * `groupKey`, then follows the job. One job runs at a time per gateway: when another runs, it says so
 * and follows that one instead.
 */
export async function startJob({ kind, filter, groupKey, reason }, reload) {
  const body = {
    ...(Object.keys(filter ?? {}).length ? { filter } : {}),
    ...(groupKey ? { groupKey } : {}),
    ...(kind === "discard" ? { reason } : {}),
  };
  try {
    const job = await api(kind === "discard" ? "/api/admin/dead-letters/discards" : JOBS, {
      method: "POST",
      headers: { "idempotency-key": crypto.randomUUID() },
      body: JSON.stringify(body),
    });
    $("#dlq-result").textContent = `${kind} of ${scope(job)} started`;
    renderJob(job);
    await follow(job.jobId, reload);
  } catch (err) {
    $("#dlq-result").textContent =
      err.status === 409
        ? `another job is running on this gateway: wait for it to end (${err.message})`
        : err.message;
    await loadJobs();
  }
}

/** The gateway's last jobs; a running one (started from another tab, say) is followed. */
export async function loadJobs(reload) {
  const { items } = await api(JOBS);
  $("#dlq-jobs").innerHTML = table(
    [
      { label: "job", html: (j) => `<span class="mono">${esc(j.jobId.slice(0, 8))}</span>` },
      { label: "kind", value: (j) => j.kind },
      { label: "status", html: (j) => badge(j.status) },
      { label: "scope", value: scope },
      { label: "counts", value: counts },
      { label: "by", value: (j) => j.startedBy ?? "" },
      { label: "started", value: (j) => when(j.startedAt) },
      { label: "finished", value: (j) => when(j.finishedAt) },
    ],
    items.slice(0, 5),
    (j) => `data-job-row="${esc(j.jobId)}"`,
  );
  const running = items.find((j) => j.status === "running");
  if (running && reload && !following) await follow(running.jobId, reload);
}
