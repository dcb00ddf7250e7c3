// Small helpers every panel uses to turn data from the network into HTML, escaped.

export const $ = (selector) => document.querySelector(selector);
export const $$ = (selector) => [...document.querySelectorAll(selector)];

/** Escapes text for HTML: everything shown comes from the network. */
export const esc = (value) =>
  String(value ?? "").replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch],
  );

export const badge = (status) =>
  `<span class="badge ${esc(status)}">${esc(String(status).replace(/_/g, " "))}</span>`;

/** Nanoseconds (as NATS reports processing times) to milliseconds. */
export const ms = (nanos) => (nanos / 1e6).toFixed(nanos >= 1e7 ? 0 : 2);

export const when = (iso) => (iso ? new Date(iso).toLocaleTimeString() : "");

/** How long ago, roughly: "12 s", "4 min", "3 h". */
export function age(iso, now = Date.now()) {
  const seconds = Math.max(0, Math.round((now - Date.parse(iso)) / 1000));
  if (seconds < 120) return `${seconds} s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} min`;
  return `${Math.round(seconds / 3600)} h`;
}

/**
 * A table: `columns` are `{ label, value(row) }` (escaped) or `{ label, html(row) }` (already HTML);
 * `rowAttrs(row)` adds attributes to each row (for tests and clicks).
 */
export function table(columns, rows, rowAttrs = () => "") {
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

/** Pretty JSON for a `<pre>`, escaped. */
export const json = (value) => esc(typeof value === "string" ? value : JSON.stringify(value, null, 2));
