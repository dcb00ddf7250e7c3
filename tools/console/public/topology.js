// Draws the system's topology as SVG from the services' declarations: who calls whom (solid arrows, top
// down) and which events flow from whom to whom (dashed arrows, one per pair, labelled with the events).

const esc = (value) =>
  String(value).replace(
    /[&<>"']/g,
    (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[ch],
  );
const eventName = (subject) => subject.replace(/^evt\./, "").replace(/\.v\d+$/, "");

/**
 * Rows by call depth: a service sits one row below its deepest caller (the gateway on top). Within a row:
 * the registry's order (`order`, service names from packages/topology), then any other by name.
 */
function rows(nodes, calls, order) {
  const depth = new Map(nodes.map((n) => [n.id, 0]));
  for (let pass = 0; pass < nodes.length; pass++) {
    for (const e of calls) depth.set(e.to, Math.max(depth.get(e.to) ?? 0, (depth.get(e.from) ?? 0) + 1));
  }
  const byRow = [];
  const rank = (id) => (order.includes(id) ? order.indexOf(id) : order.length);
  for (const n of [...nodes].sort((a, b) => rank(a.id) - rank(b.id) || a.id.localeCompare(b.id))) {
    const d = depth.get(n.id) ?? 0;
    if (!byRow[d]) byRow[d] = [];
    byRow[d].push(n);
  }
  return byRow.filter(Boolean);
}

export function drawTopology({ nodes, edges }, order = []) {
  if (nodes.length === 0) return `<p class="muted">No services are running.</p>`;
  const calls = edges.filter((e) => e.kind === "call" && e.from !== e.to);
  const width = 980;
  const rowHeight = 150;
  const layout = rows(nodes, calls, order);
  const pos = new Map();
  layout.forEach((row, r) => {
    row.forEach((n, i) => {
      pos.set(n.id, { x: ((i + 1) * width) / (row.length + 1), y: 45 + r * rowHeight });
    });
  });
  const height = 90 + (layout.length - 1) * rowHeight;

  // One solid arrow per caller → callee, one dashed arrow per emitter → consumer with its event names.
  const pairs = new Map();
  for (const e of edges) {
    if (e.from === e.to || !pos.has(e.from) || !pos.has(e.to)) continue;
    const key = `${e.kind}:${e.from}:${e.to}`;
    const entry = pairs.get(key) ?? { ...e, subjects: [] };
    entry.subjects.push(e.subject);
    pairs.set(key, entry);
  }
  const lines = [...pairs.values()]
    .map((e) => {
      const a = pos.get(e.from);
      const b = pos.get(e.to);
      const down = b.y > a.y;
      const [y1, y2] =
        a.y === b.y ? [a.y + 18, b.y + 18] : [a.y + (down ? 18 : -18), b.y + (down ? -18 : 18)];
      const color = e.kind === "call" ? "#3538cd" : "#b54708";
      const curve = e.kind === "event" ? (a.y === b.y ? 60 : 30) : 0;
      const mx = (a.x + b.x) / 2 + (e.kind === "event" ? curve : 0);
      const my = (y1 + y2) / 2 + (a.y === b.y ? curve : 0);
      const title = `${e.from} → ${e.to}: ${e.subjects.join(", ")}`;
      return (
        `<g class="edge ${e.kind}" data-from="${esc(e.from)}" data-to="${esc(e.to)}">` +
        `<path d="M${a.x},${y1} Q${mx},${my} ${b.x},${y2}" fill="none" stroke="${color}" stroke-width="1.3" ${e.kind === "event" ? 'stroke-dasharray="5 4"' : ""} marker-end="url(#arrow-${e.kind})"><title>${esc(title)}</title></path>` +
        `</g>`
      );
    })
    .join("");
  const boxes = nodes
    .map((n) => {
      const p = pos.get(n.id);
      const down = n.instances === 0;
      return `<g class="node" data-node="${esc(n.id)}"><rect x="${p.x - 62}" y="${p.y - 18}" width="124" height="36" rx="6" fill="${down ? "#fef3f2" : "#fff"}" stroke="${down ? "#b42318" : "#1d2330"}"/><text x="${p.x}" y="${p.y + 4}" text-anchor="middle" font-size="12">${esc(n.id)}${n.instances > 1 ? ` ×${n.instances}` : ""}</text></g>`;
    })
    .join("");
  const marker = (kind, color) =>
    `<marker id="arrow-${kind}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
  const legend = `<g font-size="10"><line x1="12" y1="${height - 14}" x2="40" y2="${height - 14}" stroke="#3538cd"/><text x="46" y="${height - 10}">calls (RPC)</text><line x1="130" y1="${height - 14}" x2="158" y2="${height - 14}" stroke="#b54708" stroke-dasharray="5 4"/><text x="164" y="${height - 10}">events (JetStream)</text></g>`;
  // The event flows, readable as a list (hover an arrow for the same on the diagram).
  const flows = [...pairs.values()]
    .filter((e) => e.kind === "event")
    .map(
      (e) =>
        `<tr data-flow="${esc(`${e.from}->${e.to}`)}"><td>${esc(e.from)}</td><td>→ ${esc(e.to)}</td><td class="mono">${esc(e.subjects.map(eventName).join(", "))}</td></tr>`,
    )
    .join("");
  return (
    `<svg viewBox="0 0 ${width} ${height}" role="img" aria-label="Service topology"><defs>${marker("call", "#3538cd")}${marker("event", "#b54708")}</defs>${lines}${boxes}${legend}</svg>` +
    `<h3>Event flows</h3><table><thead><tr><th>emitter</th><th>consumer</th><th>events</th></tr></thead><tbody>${flows}</tbody></table>`
  );
}
