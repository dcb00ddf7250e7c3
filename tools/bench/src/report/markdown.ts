import type { Row, ScenarioResult } from "./result.js";

/** `markdownTable` renders a header and rows as a GitHub table, escaping pipes in cells. */
export function markdownTable(header: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const cell = (text: string) => text.replaceAll("|", "\\|");
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** `perProcess` shows a per-process figure as `gateway 0.82, inventory 0.31`. */
export function perProcess(values: Readonly<Record<string, number>>): string {
  return Object.entries(values)
    .map(([name, value]) => `${name} ${value}`)
    .join(", ");
}

function rowCells(row: Row): string[] {
  return [
    row.target,
    String(row.rate),
    String(row.p50Ms),
    String(row.p99Ms),
    String(row.errors),
    perProcess(row.cpu),
    perProcess(row.peakRssMb),
  ];
}

/** `scenarioMarkdown` is one scenario's section: its method, its table, its ratios, its notes. */
export function scenarioMarkdown(s: ScenarioResult): string {
  const parts = [`### ${s.title}`, "", s.method, ""];
  if (s.rows.length > 0)
    parts.push(
      markdownTable(
        [
          "target",
          s.unit,
          "p50 ms",
          "p99 ms",
          "errors",
          "CPU (cores) per process",
          "peak RSS MB per process",
        ],
        s.rows.map(rowCells),
      ),
      "",
    );
  const ratios = Object.entries(s.ratios);
  if (ratios.length > 0)
    parts.push(`Ratios: ${ratios.map(([name, value]) => `${name} = ${value ?? "n/a"}`).join("; ")}`, "");
  for (const note of s.notes ?? []) parts.push(note, "");
  return parts.join("\n");
}

export interface ReportHeader {
  readonly startedAt: string;
  readonly machine: string;
  readonly node: string;
  readonly natsServer: string;
  readonly settings: string;
  readonly load: string;
}

/** `reportMarkdown` is the whole report: the run's context, then every scenario. */
export function reportMarkdown(header: ReportHeader, scenarios: readonly ScenarioResult[]): string {
  return [
    `## Bazaar benchmarks, ${header.startedAt}`,
    "",
    `- machine: ${header.machine}`,
    `- Node ${header.node}, nats-server ${header.natsServer}`,
    `- settings: ${header.settings}`,
    `- load: ${header.load}`,
    "",
    ...scenarios.map(scenarioMarkdown),
  ].join("\n");
}
