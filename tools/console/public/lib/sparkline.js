// Sparklines: a series drawn as a small inline SVG line (no chart library: a polyline is enough). Points
// further apart than `gapMs` are not joined, so a scrape that failed shows as a gap, not as a slope.

/**
 * @param {Array<[number, number]>} points `[epoch ms, value]`, oldest first
 * @param {{ from: number, to: number, gapMs: number, width?: number, height?: number, max?: number }} options
 * @returns {string} an `<svg>` element
 */
export function sparkline(points, options) {
  const { from, to, gapMs, width = 180, height = 34 } = options;
  const finite = points.filter(([, v]) => Number.isFinite(v));
  const max = options.max ?? Math.max(0, ...finite.map(([, v]) => v));
  const span = Math.max(1, to - from);
  const x = (t) => (((t - from) / span) * width).toFixed(1);
  // Top and bottom margins of 2 px keep a flat line at the maximum or at 0 visible.
  const y = (v) => (max > 0 ? height - 2 - (v / max) * (height - 4) : height - 2).toFixed(1);
  const runs = [];
  let run = [];
  let previous = null;
  for (const [t, v] of finite) {
    if (previous !== null && t - previous > gapMs) {
      runs.push(run);
      run = [];
    }
    run.push(`${x(t)},${y(v)}`);
    previous = t;
  }
  runs.push(run);
  const lines = runs
    .filter((r) => r.length > 0)
    .map((r) =>
      r.length === 1
        ? `<circle cx="${r[0].split(",")[0]}" cy="${r[0].split(",")[1]}" r="1.5"/>`
        : `<polyline points="${r.join(" ")}"/>`,
    )
    .join("");
  return `<svg class="spark" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="trend, max ${max}" data-points="${finite.length}"><line class="axis" x1="0" y1="${height - 2}" x2="${width}" y2="${height - 2}"/>${lines}</svg>`;
}
