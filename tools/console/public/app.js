// The Bazaar operations console: plain ES modules, no build step. Everything it shows comes from the
// gateway's admin API (through api.js), called with the operator's session (kept for this tab only).
// This file is the table of contents: sign in, tabs, and each tab's panel refreshed while it is shown.
import { login, logout } from "./api.js";
import { clearFailures } from "./banner.js";
import { $ } from "./lib/html.js";
import { deadLettersPanel } from "./panels/dead-letters.js";
import { eventsPanel } from "./panels/events.js";
import { metricsPanel } from "./panels/metrics.js";
import { sagasPanel } from "./panels/sagas.js";
import { servicesPanel } from "./panels/services.js";
import { streamsPanel } from "./panels/streams.js";
import { session } from "./session.js";

const PANELS = new Map(
  [servicesPanel, metricsPanel, streamsPanel, sagasPanel, deadLettersPanel, eventsPanel].map((p) => [
    p.tab,
    p,
  ]),
);
const REFRESH_MS = 2000;
let timer = null;
let shown = null;

/** Who is signed in and until when the token runs (it is renewed before then). */
function renderWho() {
  const until = session.expiresAt ? ` · token until ${new Date(session.expiresAt).toLocaleTimeString()}` : "";
  $("#who").innerHTML = session.token ? `operator${until} · <a href="#" id="sign-out">sign out</a>` : "";
  $("#sign-out")?.addEventListener("click", (e) => {
    e.preventDefault();
    void logout();
  });
}

function render() {
  const signedIn = Boolean(session.token);
  $("#login").hidden = signedIn;
  $("#nav").hidden = !signedIn;
  renderWho();
  for (const el of document.querySelectorAll(".tab")) el.hidden = true;
  clearInterval(timer);
  // The live tail runs only while an operator is signed in and looking at it.
  shown?.stop?.();
  shown = null;
  // The banner is about what this tab shows: the tab's own loads raise it again if they still fail.
  clearFailures();
  if (!signedIn) return;
  let tab = (location.hash.slice(1) || "services").split("/")[0];
  if (!PANELS.has(tab)) tab = "services";
  for (const a of document.querySelectorAll("nav a")) a.classList.toggle("active", a.dataset.tab === tab);
  $(`#tab-${tab}`).hidden = false;
  const panel = PANELS.get(tab);
  shown = panel;
  // A failed load is on the banner already (api.js); the panel keeps its last good data meanwhile.
  const tick = () => panel.load().catch(() => undefined);
  void tick();
  if (!panel.streaming) timer = setInterval(tick, panel.intervalMs ?? REFRESH_MS);
}
window.addEventListener("hashchange", render);

session.onChange(({ signedIn, reason }) => {
  if (signedIn) {
    renderWho();
    return;
  }
  $("#login-reason").textContent = reason ?? "";
  render();
});

$("#login-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  $("#login-error").textContent = "";
  try {
    await login(String(form.get("email")), String(form.get("password")));
    $("#login-reason").textContent = "";
    render();
  } catch (err) {
    $("#login-error").textContent = err.message;
  }
});

render();
