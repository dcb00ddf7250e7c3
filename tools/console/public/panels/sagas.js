// Sagas: search by order id, filter by status and age, page through them (cursor), retry the parked ones
// in bulk; a click opens one saga's timeline (saga-detail.js).
import { api } from "../api.js";
import { $, age, badge, esc, table, when } from "../lib/html.js";
import { loadProducts } from "./order-form.js";
import { sagaDetail } from "./saga-detail.js";

/** Cursors of the pages before this one (for "previous"), and this page's own. */
const paging = { stack: [], cursor: null, next: null };
const AGE = {
  "": {},
  "newer-15m": { newerThan: 15 * 60 },
  "newer-1h": { newerThan: 60 * 60 },
  "older-5m": { olderThan: 5 * 60 },
  "older-1h": { olderThan: 60 * 60 },
  "older-1d": { olderThan: 24 * 60 * 60 },
};

function query() {
  const params = new URLSearchParams({ limit: String(Number($("#saga-limit").value) || 25) });
  const status = $("#saga-status").value;
  const orderId = $("#saga-order").value.trim();
  if (status) params.set("status", status);
  if (orderId) params.set("orderId", orderId.slice(0, 64));
  // Ages are relative to now, sent as the timestamps the API takes (on createdAt).
  for (const [name, seconds] of Object.entries(AGE[$("#saga-age").value] ?? {}))
    params.set(name, new Date(Date.now() - seconds * 1000).toISOString());
  if (paging.cursor) params.set("cursor", paging.cursor);
  return params;
}

async function load() {
  const { items, nextCursor } = await api(`/api/admin/sagas?${query()}`);
  paging.next = nextCursor;
  $("#sagas-table").innerHTML = table(
    [
      { label: "saga", html: (s) => `<span class="mono">${esc(s.sagaId.slice(0, 8))}</span>` },
      { label: "order", html: (s) => `<span class="mono">${esc(s.orderId.slice(0, 8))}</span>` },
      { label: "status", html: (s) => badge(s.status) },
      { label: "step", value: (s) => s.currentStep ?? "" },
      { label: "failure", value: (s) => s.failureReason ?? "" },
      { label: "age", num: true, value: (s) => age(s.createdAt) },
      { label: "updated", value: (s) => when(s.updatedAt) },
    ],
    items,
    (s) =>
      `class="clickable" data-saga="${esc(s.sagaId)}" data-status="${esc(s.status)}" data-order="${esc(s.orderId)}"`,
  );
  $("#sagas-page").textContent =
    `page ${paging.stack.length + 1}${items.length ? `, ${items.length} saga(s)` : ""}`;
  $("#sagas-prev").disabled = paging.stack.length === 0;
  $("#sagas-next").disabled = !nextCursor;
  for (const row of document.querySelectorAll("#sagas-table tr[data-saga]")) {
    row.addEventListener("click", () => {
      sagaDetail.open(row.dataset.saga);
    });
  }
  await Promise.all([sagaDetail.load(), loadProducts()]);
}

/** A new search starts again at the first page. */
function restart() {
  paging.stack = [];
  paging.cursor = null;
  void load().catch(() => undefined);
}

$("#saga-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  restart();
});
for (const id of ["#saga-status", "#saga-age", "#saga-limit"]) $(id).addEventListener("change", restart);
$("#sagas-next").addEventListener("click", () => {
  if (!paging.next) return;
  paging.stack.push(paging.cursor);
  paging.cursor = paging.next;
  void load().catch(() => undefined);
});
$("#sagas-prev").addEventListener("click", () => {
  paging.cursor = paging.stack.pop() ?? null;
  void load().catch(() => undefined);
});
$("#sagas-retry-all").addEventListener("click", async () => {
  try {
    const { retried } = await api("/api/admin/sagas/retry", {
      method: "POST",
      headers: { "idempotency-key": crypto.randomUUID() },
    });
    $("#sagas-result").textContent = `retrying ${retried} parked saga(s), a few at a time`;
  } catch (err) {
    $("#sagas-result").textContent = err.message;
  }
  await load().catch(() => undefined);
});

export const sagasPanel = { tab: "sagas", load };
