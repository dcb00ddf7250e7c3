// The Bazaar operations console: plain ES modules, no build step. Everything it shows comes from the
// gateway's admin API, called with the operator's token (kept for the browser tab only).
import { rateLimitGate } from "./retry-after.js";
import { drawTopology } from "./topology.js";

const $ = (selector) => document.querySelector(selector);
const TOKEN_KEY = "bazaar.console.token";
const state = {
  token: sessionStorage.getItem(TOKEN_KEY),
  tab: "services",
  sagaId: null,
  timer: null,
  events: null,
  paused: false,
};

/** Escapes text for HTML: everything shown comes from the network. */
const esc = (value) =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch],
  );
const badge = (status) =>
  `<span class="badge ${esc(status)}">${esc(String(status).replace(/_/g, " "))}</span>`;
const ms = (nanos) => (nanos / 1e6).toFixed(nanos >= 1e7 ? 0 : 2);
const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");

/** One gate for every call: after a 429 nothing is sent before the time the gateway named. */
const rateLimit = rateLimitGate({ maxWaitMs: 5000 });

async function api(path, init = {}) {
  const res = await rateLimit.send(() =>
    fetch(path, {
      ...init,
      headers: {
        ...(init.body ? { "content-type": "application/json" } : {}),
        ...(state.token ? { authorization: `Bearer ${state.token}` } : {}),
        ...init.headers,
      },
    }),
  );
  const body = res.headers.get("content-type")?.includes("json") ? await res.json() : await res.text();
  if (res.status === 401) signOut();
  if (!res.ok)
    throw Object.assign(new Error(body?.detail ?? body?.title ?? `HTTP ${res.status}`), {
      status: res.status,
      body,
    });
  return body;
}

function table(columns, rows, rowAttrs = () => "") {
  if (rows.length === 0) return `<p class="muted">Nothing here.</p>`;
  const head = columns.map((c) => `<th>${esc(c.label)}</th>`).join("");
  const body = rows
    .map(
      (r, i) =>
        `<tr ${rowAttrs(r, i)}>${columns.map((c) => `<td class="${c.num ? "num" : ""}">${c.html ? c.html(r) : esc(c.value(r))}</td>`).join("")}</tr>`,
    )
    .join("");
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

// ---------- sign in ----------
function signOut() {
  state.token = null;
  sessionStorage.removeItem(TOKEN_KEY);
  render();
}

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $("#login-error").textContent = "";
  try {
    const res = await api("/api/auth/login", {
      method: "POST",
      body: JSON.stringify({ email: form.get("email"), password: form.get("password") }),
    });
    state.token = res.accessToken;
    const me = await api("/api/me");
    if (me.role !== "admin") {
      state.token = null;
      throw new Error("this account is not an admin");
    }
    sessionStorage.setItem(TOKEN_KEY, state.token);
    render();
  } catch (err) {
    $("#login-error").textContent = err.message;
  }
});

// ---------- tabs ----------
const loaders = {
  services: loadServices,
  streams: loadStreams,
  sagas: loadSagas,
  "dead-letters": loadDeadLetters,
  events: startEvents,
};

function render() {
  const signedIn = Boolean(state.token);
  $("#login").hidden = signedIn;
  $("#nav").hidden = !signedIn;
  $("#who").innerHTML = signedIn ? `operator · <a href="#" id="sign-out">sign out</a>` : "";
  $("#sign-out")?.addEventListener("click", (e) => {
    e.preventDefault();
    signOut();
  });
  for (const el of document.querySelectorAll(".tab")) el.hidden = true;
  clearInterval(state.timer);
  // The live tail runs only while an operator is signed in and looking at it.
  stopEvents();
  if (!signedIn) return;
  state.tab = (location.hash.slice(1) || "services").split("/")[0];
  if (!loaders[state.tab]) state.tab = "services";
  for (const a of document.querySelectorAll("nav a"))
    a.classList.toggle("active", a.dataset.tab === state.tab);
  $(`#tab-${state.tab}`).hidden = false;
  const load = loaders[state.tab];
  const tick = () => load().catch((err) => console.warn(err));
  tick();
  if (state.tab !== "events") state.timer = setInterval(tick, 2000);
}
window.addEventListener("hashchange", render);

// ---------- services and topology ----------
/**
 * The service names in the registry's order (packages/topology), which the console's own server sends as
 * /topology.json: fetched once; without it the console still works, in the gateway's order.
 */
let registryOrder;
function serviceOrder() {
  registryOrder ??= fetch("/topology.json")
    .then((res) => (res.ok ? res.json() : { services: [] }))
    .then((registry) => registry.services.map((s) => s.name))
    .catch(() => []);
  return registryOrder;
}

async function loadServices() {
  const [{ services }, topology, order] = await Promise.all([
    api("/api/admin/services"),
    api("/api/admin/topology"),
    serviceOrder(),
  ]);
  const rank = (name) => (order.includes(name) ? order.indexOf(name) : order.length);
  const rows = services
    .flatMap((s) => s.instances)
    .sort((a, b) => rank(a.name) - rank(b.name) || a.name.localeCompare(b.name));
  $("#services-table").innerHTML = table(
    [
      { label: "service", value: (i) => i.name },
      { label: "version", value: (i) => i.version },
      { label: "instance", value: (i) => i.metadata.instance ?? i.id },
      { label: "ready", html: (i) => badge(i.health?.status ?? "unknown") },
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
    (i) => `data-service="${esc(i.name)}"`,
  );
  $("#topology").innerHTML = drawTopology(topology, order);
}

// ---------- streams ----------
async function loadStreams() {
  // The read model has its own service: when it does not answer, the streams are still shown.
  const rebuild = loadRebuild().catch((err) => {
    $("#rebuild-status").innerHTML = `<p class="error">${esc(err.message)}</p>`;
  });
  const [{ streams }] = await Promise.all([api("/api/admin/streams"), rebuild]);
  $("#streams-table").innerHTML = streams
    .map(
      (s) =>
        `<h3>${esc(s.name)} <small class="muted">${esc(s.description)} · ${s.messages} messages · ${(s.bytes / 1024).toFixed(1)} KiB</small></h3>` +
        table(
          [
            { label: "consumer", value: (c) => c.name },
            { label: "pending", num: true, value: (c) => c.num_pending },
            { label: "ack pending", num: true, value: (c) => c.num_ack_pending },
            { label: "redelivered", num: true, value: (c) => c.num_redelivered },
          ],
          s.consumers,
        ),
    )
    .join("");
}

// ---------- read model rebuild ----------
const REBUILD = "/api/admin/read-models/order-views/rebuild";

async function loadRebuild() {
  const r = await api(REBUILD);
  const mode = { replace: "replaced the model", merge: "merged over the model (older history gone)" };
  const facts = [
    `${r.processed}/${r.total} events replayed`,
    `${r.skipped} skipped`,
    r.mode ? mode[r.mode] : "",
    r.startedAt ? `started ${when(r.startedAt)}` : "",
    r.finishedAt ? `finished ${when(r.finishedAt)}` : "",
  ].filter(Boolean);
  $("#rebuild").disabled = r.state === "running";
  $("#rebuild-status").innerHTML =
    `<p data-rebuild-state="${esc(r.state)}">${badge(r.state)} <span class="muted">${esc(facts.join(" · "))}</span></p>` +
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
  await loadRebuild();
});

// ---------- sagas ----------
$("#saga-status").addEventListener("change", () => loadSagas());
$("#sagas-retry-all").addEventListener("click", async () => {
  const { retried } = await api("/api/admin/sagas/retry", { method: "POST" });
  $("#sagas-result").textContent = `retrying ${retried} parked saga(s), a few at a time`;
  await loadSagas();
});

async function loadSagas() {
  const status = $("#saga-status").value;
  const { items } = await api(`/api/admin/sagas?limit=50${status ? `&status=${status}` : ""}`);
  $("#sagas-table").innerHTML = table(
    [
      { label: "saga", html: (s) => `<span class="mono">${esc(s.sagaId.slice(0, 8))}</span>` },
      { label: "order", html: (s) => `<span class="mono">${esc(s.orderId.slice(0, 8))}</span>` },
      { label: "status", html: (s) => badge(s.status) },
      { label: "step", value: (s) => s.currentStep ?? "" },
      { label: "failure", value: (s) => s.failureReason ?? "" },
      { label: "updated", value: (s) => when(s.updatedAt) },
    ],
    items,
    (s) =>
      `class="clickable" data-saga="${esc(s.sagaId)}" data-status="${esc(s.status)}" data-order="${esc(s.orderId)}"`,
  );
  for (const row of document.querySelectorAll("#sagas-table tr[data-saga]")) {
    row.addEventListener("click", () => {
      state.sagaId = row.dataset.saga;
      loadSagaDetail();
    });
  }
  if (state.sagaId) await loadSagaDetail();
  await loadProducts();
}

async function loadSagaDetail() {
  const saga = await api(`/api/admin/sagas/${encodeURIComponent(state.sagaId)}`);
  const retry =
    saga.status === "requires_attention"
      ? `<button type="button" id="saga-retry">Retry</button>`
      : saga.nextRetryAt
        ? `<button type="button" id="saga-retry">Retry now</button> <small class="muted">retries by itself at ${esc(when(saga.nextRetryAt))}</small>`
        : "";
  $("#saga-detail").innerHTML =
    `<h2>Saga <span class="mono">${esc(saga.sagaId)}</span> ${badge(saga.status)} ${retry}</h2>` +
    `<p class="muted">order <span class="mono">${esc(saga.orderId)}</span>${saga.failureReason ? ` · ${esc(saga.failureReason)}` : ""}</p>` +
    table(
      [
        { label: "step", value: (s) => s.name },
        { label: "status", html: (s) => badge(s.status) },
        { label: "attempts", num: true, value: (s) => s.attempts },
        { label: "compensations", num: true, value: (s) => s.compensationAttempts },
        { label: "last error", value: (s) => s.lastError ?? "" },
      ],
      saga.steps,
    ) +
    `<h3>Timeline</h3><div class="timeline">` +
    table(
      [
        { label: "time", value: (h) => h.at.slice(11, 23) },
        { label: "phase", value: (h) => h.phase },
        { label: "step", value: (h) => h.step ?? "" },
        { label: "outcome", html: (h) => badge(h.outcome) },
        { label: "attempt", num: true, value: (h) => h.attempt ?? "" },
        {
          label: "duration",
          num: true,
          value: (h) => (h.durationMs == null ? "" : `${h.durationMs.toFixed(1)} ms`),
        },
        { label: "detail", value: (h) => h.error ?? h.message ?? "" },
      ],
      saga.history,
    ) +
    `</div>`;
  $("#saga-retry")?.addEventListener("click", async () => {
    await api(`/api/admin/sagas/${encodeURIComponent(saga.sagaId)}/retry`, { method: "POST" });
    await loadSagaDetail();
  });
}

let productsLoaded = false;
async function loadProducts() {
  if (productsLoaded) return;
  const { items } = await api("/api/products?limit=100");
  $("#order-sku").innerHTML = items
    .map((p) => `<option value="${esc(p.sku)}">${esc(p.sku)} · ${esc(p.name)} (${p.available} left)</option>`)
    .join("");
  productsLoaded = true;
}

// One Idempotency-Key per order the operator means to place: submitting again after a failure (a
// timeout, a lost connection) retries that order rather than placing a second one; changing the form
// or placing it successfully starts a new one.
let orderKey = crypto.randomUUID();
$("#order-form").addEventListener("input", () => {
  orderKey = crypto.randomUUID();
});

$("#order-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const result = $("#order-result");
  try {
    const order = await api("/api/orders", {
      method: "POST",
      headers: { "idempotency-key": orderKey },
      body: JSON.stringify({
        items: [{ sku: form.get("sku"), quantity: Number(form.get("quantity")) }],
        shippingAddress: {
          name: "Console Operator",
          line1: "1 Console Way",
          city: "London",
          postalCode: "N1 1AA",
          country: String(form.get("country")).toUpperCase(),
        },
        paymentMethod: { token: form.get("token") },
      }),
    });
    const details = await api(`/api/orders/${order.orderId}`);
    state.sagaId = details.sagaId;
    orderKey = crypto.randomUUID();
    result.textContent = `order ${order.orderId.slice(0, 8)} placed (${order.status})`;
    result.dataset.orderId = order.orderId;
    await loadSagas();
  } catch (err) {
    result.textContent = err.message;
  }
});

// ---------- dead letters ----------
async function loadDeadLetters() {
  const { items } = await api("/api/admin/dead-letters?limit=100");
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
      { label: "reason", html: (d) => badge(d.reason) },
      { label: "error", value: (d) => d.error },
      { label: "failed", value: (d) => when(d.failedAt) },
      {
        label: "",
        html: (d) =>
          `<button type="button" data-replay="${esc(d.id)}">Replay</button> ` +
          `<button type="button" data-discard="${esc(d.id)}">Discard</button>`,
      },
    ],
    items,
    (d) => `data-dead-letter="${esc(d.id)}"`,
  );
  for (const button of document.querySelectorAll("button[data-replay]")) {
    button.addEventListener("click", async () => {
      const done = await api(`/api/admin/dead-letters/${button.dataset.replay}/replay`, { method: "POST" });
      $("#dlq-result").textContent = `replayed dead letter ${done.id} to ${done.subject}`;
      await loadDeadLetters();
    });
  }
  for (const button of document.querySelectorAll("button[data-discard]")) {
    button.addEventListener("click", async () => {
      // A discarded event is gone for good: the operator says why, and the gateway logs it.
      const reason = $("#dlq-reason").value.trim();
      if (!reason) {
        $("#dlq-result").textContent = "say why you discard it (the reason is logged)";
        $("#dlq-reason").focus();
        return;
      }
      const done = await api(`/api/admin/dead-letters/${button.dataset.discard}/discard`, {
        method: "POST",
        body: JSON.stringify({ reason }),
      });
      $("#dlq-result").textContent = `discarded dead letter ${done.id}`;
      await loadDeadLetters();
    });
  }
}

$("#replay-all").addEventListener("click", async () => {
  const { items } = await api("/api/admin/dead-letters?limit=100");
  for (const d of items) await api(`/api/admin/dead-letters/${d.id}/replay`, { method: "POST" });
  $("#dlq-result").textContent = `replayed ${items.length} dead letter(s)`;
  await loadDeadLetters();
});

// ---------- trace links ----------
/** /traces.json: where a trace opens in the viewer `pnpm dev` started (null when none runs). */
let traceUrl = null;
fetch("/traces.json")
  .then((r) => (r.ok ? r.json() : null))
  .then((t) => {
    traceUrl = t?.traceUrl ?? null;
  })
  .catch(() => {});
function traceLink(traceId) {
  if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) return "";
  if (!traceUrl) return `<span class="muted" data-trace="${traceId}">trace ${traceId.slice(0, 8)}</span>`;
  const href = traceUrl.replace("{traceId}", traceId);
  return `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer" data-trace="${traceId}">trace ${traceId.slice(0, 8)}</a>`;
}

// ---------- live events ----------
function startEvents() {
  stopEvents();
  const filter = $("#event-filter").value.trim();
  // EventSource cannot send headers: this one route takes the token as a query parameter.
  const url = `/api/admin/events/stream?access_token=${encodeURIComponent(state.token)}${filter ? `&type=${encodeURIComponent(filter)}` : ""}`;
  state.events = new EventSource(url);
  state.events.onmessage = (message) => {
    if (state.paused) return;
    const e = JSON.parse(message.data);
    const li = document.createElement("li");
    li.dataset.type = e.type ?? "";
    li.innerHTML = `${esc(when(e.occurredAt) || new Date().toLocaleTimeString())} ${badge(e.type ?? e.subject)} <span class="muted">${esc(e.source ?? "")}</span> ${traceLink(e.traceId)} ${esc(JSON.stringify(e.data)).slice(0, 300)}`;
    $("#event-list").prepend(li);
    while ($("#event-list").children.length > 200) $("#event-list").lastChild.remove();
  };
  return Promise.resolve();
}

function stopEvents() {
  state.events?.close();
  state.events = null;
}

$("#event-filter").addEventListener("change", () => startEvents());
$("#event-pause").addEventListener("click", () => {
  state.paused = !state.paused;
  $("#event-pause").textContent = state.paused ? "Resume" : "Pause";
});

render();
