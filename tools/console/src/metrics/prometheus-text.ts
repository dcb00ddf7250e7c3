/** One line of the Prometheus text exposition format: a metric name, its labels and its value. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*/;
const ESCAPES: Record<string, string> = { "\\": "\\", '"': '"', n: "\n" };

/** Reads a sample value: a float, or `NaN`, `+Inf`, `-Inf` as the format spells them. */
function parseValue(text: string): number | undefined {
  if (text === "+Inf" || text === "Inf") return Number.POSITIVE_INFINITY;
  if (text === "-Inf") return Number.NEGATIVE_INFINITY;
  if (text === "NaN") return Number.NaN;
  const value = Number(text);
  return text !== "" && !Number.isNaN(value) ? value : undefined;
}

/** Parses `{a="x",b="y\"z"}` starting at `line[start] === "{"`; returns the labels and where they end. */
function parseLabels(
  line: string,
  start: number,
): { labels: Record<string, string>; end: number } | undefined {
  const labels: Record<string, string> = {};
  let i = start + 1;
  for (;;) {
    while (line[i] === " " || line[i] === ",") i++;
    if (line[i] === "}") return { labels, end: i + 1 };
    const name = LABEL_NAME.exec(line.slice(i))?.[0];
    if (!name) return undefined;
    i += name.length;
    while (line[i] === " ") i++;
    if (line[i] !== "=") return undefined;
    i++;
    while (line[i] === " ") i++;
    if (line[i] !== '"') return undefined;
    i++;
    let value = "";
    for (;;) {
      const ch = line[i];
      if (ch === undefined) return undefined;
      if (ch === '"') break;
      if (ch === "\\") {
        const next = line[i + 1] ?? "";
        value += ESCAPES[next] ?? `\\${next}`;
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    labels[name] = value;
    i++;
  }
}

/**
 * `parsePrometheusText` reads the text exposition format (version 0.0.4) that every service serves on
 * `/metrics`: comment lines (`# HELP`, `# TYPE`) are skipped, each other line is one sample; an optional
 * timestamp after the value is ignored (the sampler stamps each scrape itself). A line it cannot read is
 * skipped rather than failing the scrape: one odd metric must not blank every chart.
 *
 * @example
 * parsePrometheusText('bazaar_outbox_pending{service="orders"} 3\n')
 * // → [{ name: "bazaar_outbox_pending", labels: { service: "orders" }, value: 3 }]
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const raw of text.split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const name = NAME.exec(line)?.[0];
    if (!name) continue;
    let rest = name.length;
    let labels: Record<string, string> = {};
    if (line[rest] === "{") {
      const parsed = parseLabels(line, rest);
      if (!parsed) continue;
      labels = parsed.labels;
      rest = parsed.end;
    }
    const [valueText = ""] = line.slice(rest).trim().split(/\s+/);
    const value = parseValue(valueText);
    if (value !== undefined) samples.push({ name, labels, value });
  }
  return samples;
}
