// Trace ids link to the trace viewer `pnpm dev` started; its address comes from the console's own server.
import { api } from "../api.js";
import { esc } from "./html.js";

/** /traces.json: `{ traceUrl }` with `{traceId}` in it, or null when no viewer runs. */
let traceUrl = null;
export const traceLinksReady = api("/traces.json")
  .then((t) => {
    traceUrl = t?.traceUrl ?? null;
  })
  .catch(() => {});

/** The trace id inside a W3C `traceparent` (`00-<trace id>-<span id>-<flags>`). */
export const traceIdOf = (traceparent) =>
  typeof traceparent === "string" ? (traceparent.split("-")[1] ?? null) : null;

export function traceLink(traceId) {
  if (!traceId || !/^[0-9a-f]{32}$/.test(traceId)) return "";
  if (!traceUrl) return `<span class="muted" data-trace="${traceId}">trace ${traceId.slice(0, 8)}</span>`;
  const href = traceUrl.replace("{traceId}", traceId);
  return `<a href="${esc(href)}" target="_blank" rel="noopener noreferrer" data-trace="${traceId}">trace ${traceId.slice(0, 8)}</a>`;
}
