// The live tail: every event and dead letter as it happens (server-sent events). It reopens with the new
// token when the session is renewed, and says so when its token expired and it stopped.
import { refreshSession } from "../api.js";
import { $, badge, esc, when } from "../lib/html.js";
import { traceLink } from "../lib/trace-link.js";
import { session } from "../session.js";

let source = null;
let paused = false;
const MAX_SHOWN = 200;

function status(text, state) {
  const el = $("#event-status");
  el.textContent = text;
  el.dataset.state = state;
}

function show(e) {
  if (paused) return;
  const li = document.createElement("li");
  li.dataset.type = e.type ?? "";
  li.innerHTML = `${esc(when(e.occurredAt) || new Date().toLocaleTimeString())} ${badge(e.type ?? e.subject)} <span class="muted">${esc(e.source ?? "")}</span> ${traceLink(e.traceId)} ${esc(JSON.stringify(e.data)).slice(0, 300)}`;
  $("#event-list").prepend(li);
  while ($("#event-list").children.length > MAX_SHOWN) $("#event-list").lastChild.remove();
}

function start() {
  stop();
  if (!session.token) return Promise.resolve();
  const filter = $("#event-filter").value.trim();
  // EventSource cannot send headers: this one route takes the token as a query parameter.
  const url = `/api/admin/events/stream?access_token=${encodeURIComponent(session.token)}${filter ? `&type=${encodeURIComponent(filter)}` : ""}`;
  const opened = new EventSource(url);
  source = opened;
  status("connecting…", "connecting");
  opened.addEventListener("ready", () => status(`live since ${new Date().toLocaleTimeString()}`, "live"));
  opened.addEventListener("dropped", (m) => {
    const { dropped } = JSON.parse(m.data);
    status(`live; ${dropped ?? "some"} event(s) were dropped because the page fell behind`, "live");
  });
  opened.addEventListener("expired", async () => {
    // The gateway ends the stream when the token that opened it expires; EventSource would only retry
    // with the same, expired token.
    opened.close();
    status(`stopped at ${new Date().toLocaleTimeString()}: its access token expired`, "expired");
    if (await refreshSession()) start();
  });
  opened.onmessage = (m) => show(JSON.parse(m.data));
  opened.onerror = () => {
    if (source !== opened) return;
    status(
      opened.readyState === EventSource.CLOSED
        ? `disconnected at ${new Date().toLocaleTimeString()}`
        : `connection lost at ${new Date().toLocaleTimeString()}; reconnecting…`,
      opened.readyState === EventSource.CLOSED ? "closed" : "reconnecting",
    );
  };
  return Promise.resolve();
}

function stop() {
  source?.close();
  source = null;
}

// A renewed session reopens the tail with the new token before the old one expires.
session.onChange(({ signedIn, renewed }) => {
  if (signedIn && renewed && source) start();
});

$("#event-filter").addEventListener("change", () => start());
$("#event-pause").addEventListener("click", () => {
  paused = !paused;
  $("#event-pause").textContent = paused ? "Resume" : "Pause";
});

export const eventsPanel = { tab: "events", load: start, stop, streaming: true };
