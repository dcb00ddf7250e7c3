// The failure banner: which calls fail, since when, and when each last succeeded. A panel's table keeps its
// last good data, so without this an operator would read stale numbers as current.
import { $, esc } from "./lib/html.js";

const failures = new Map();
const lastOk = new Map();
/** When each call started failing: kept across tab changes, forgotten when it succeeds. */
const failingSince = new Map();
const time = (at) => (at ? new Date(at).toLocaleTimeString() : "never (since this page opened)");

/**
 * What a call is, for the banner: method and path with ids collapsed, so "GET /api/admin/sagas/:id" is
 * one line however many sagas failed to load, and a later success clears it.
 */
export function callName(method, path) {
  const pathname = path.split("?")[0];
  const generic = pathname
    .split("/")
    .map((part) => (/\d/.test(part) && part.length > 3 ? ":id" : part))
    .join("/");
  return `${method.toUpperCase()} ${generic}`;
}

function render() {
  const banner = $("#banner");
  if (!banner) return;
  banner.hidden = failures.size === 0;
  banner.dataset.state = failures.size === 0 ? "ok" : "failing";
  banner.innerHTML =
    failures.size === 0
      ? ""
      : `<strong>${failures.size === 1 ? "A call fails" : `${failures.size} calls fail`}: what you see may be stale.</strong><ul>${[
          ...failures,
        ]
          .map(
            ([name, f]) =>
              `<li data-failed="${esc(name)}"><span class="mono">${esc(name)}</span>: ${esc(f.message)} · failing since ${esc(time(f.since))} · last succeeded ${esc(time(lastOk.get(name)))}</li>`,
          )
          .join("")}</ul>`;
}

export function callSucceeded(name) {
  lastOk.set(name, Date.now());
  failingSince.delete(name);
  let changed = failures.delete(name);
  // A command is not repeated by itself: once calls get through again, its failure is history (the
  // operator saw it where they acted).
  for (const [other, f] of failures) {
    if (f.once) changed = failures.delete(other) || changed;
  }
  if (changed) render();
}

/**
 * `callFailed` puts a call on the banner until it succeeds again; with `once` (a command, which nothing
 * repeats), until any call succeeds.
 */
export function callFailed(name, message, { once = false } = {}) {
  if (!failingSince.has(name)) failingSince.set(name, Date.now());
  failures.set(name, { message, since: failingSince.get(name), once });
  render();
}

/** Forgets the failures (a new tab, or signing out): the calls that still fail report again. */
export function clearFailures() {
  failures.clear();
  render();
}
