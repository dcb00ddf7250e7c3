import type { RunMetrics } from "../check/metrics.js";
import type { Violation } from "../check/violation.js";

export interface ReportRow {
  readonly scenario: string;
  readonly description: string;
  readonly metrics: RunMetrics;
  readonly durationMs: number;
  readonly violations: readonly Violation[];
  readonly error?: string;
  /** For a canary: the invariants that must, and alone may, report violations. */
  readonly expects?: readonly string[];
  /** Orders acknowledged while the fault was on, and those confirmed before it healed. */
  readonly flow?: {
    readonly placedWhileDown: number;
    readonly confirmedWhileDown: number;
    readonly downMs: number;
  };
}

const COLUMNS: ReadonlyArray<[string, (m: RunMetrics) => string]> = [
  ["attempted", (m) => String(m.attempted)],
  ["acknowledged", (m) => String(m.acknowledged)],
  ["confirmed", (m) => String(m.confirmed)],
  ["cancelled", (m) => String(m.cancelled)],
  ["parked", (m) => String(m.parked)],
  ["lost", (m) => String(m.lost)],
  ["unanswered", (m) => String(m.unanswered)],
  ["double charges", (m) => String(m.doubleCharges)],
  ["stock mismatches", (m) => String(m.stockMismatches)],
  ["read-model mismatches", (m) => String(m.readModelMismatches)],
  [
    "time to recover",
    (m) => (m.timeToRecoverMs === null ? "n/a" : `${(m.timeToRecoverMs / 1000).toFixed(1)} s`),
  ],
  ["violations", (m) => String(m.violations)],
];

/** `verdict` is a row's one word: the harness broke, an invariant broke, or every invariant held. */
export function verdict(row: Pick<ReportRow, "violations" | "error" | "expects">): "ERROR" | "FAIL" | "pass" {
  if (row.error) return "ERROR";
  if (row.expects) {
    const found = new Set(row.violations.map((v) => v.invariant));
    const same = found.size === row.expects.length && row.expects.every((name) => found.has(name));
    return same ? "pass" : "FAIL";
  }
  return row.violations.length > 0 ? "FAIL" : "pass";
}

/** `metricsTable` is the report's table: one row per scenario, the columns, the verdict. */
export function metricsTable(rows: readonly ReportRow[]): string {
  const header = ["scenario", ...COLUMNS.map(([name]) => name), "run time", "verdict"];
  const lines = [
    `| ${header.join(" | ")} |`,
    `|${header.map((_, i) => (i === 0 ? "---" : "---:")).join("|")}|`,
  ];
  for (const row of rows) {
    const cells = [
      row.scenario,
      ...COLUMNS.map(([, cell]) => cell(row.metrics)),
      `${Math.round(row.durationMs / 1000)} s`,
      verdict(row),
    ];
    lines.push(`| ${cells.join(" | ")} |`);
  }
  return lines.join("\n");
}

/** The violations of one scenario, grouped by invariant, the first few of each spelled out. */
export function violationList(row: ReportRow, perInvariant = 5): string {
  if (row.error) return `The harness failed: ${row.error.split("\n")[0]}`;
  const planted = row.expects
    ? `Planted on purpose; must be caught by exactly: ${row.expects.join(", ")}.\n\n`
    : "";
  if (row.violations.length === 0) return `${planted}Every invariant held.`;
  const groups = new Map<string, Violation[]>();
  for (const v of row.violations) groups.set(v.invariant, [...(groups.get(v.invariant) ?? []), v]);
  return (
    planted +
    [...groups]
      .map(([invariant, list]) =>
        [
          `- **${invariant}** (${list.length})`,
          ...list.slice(0, perInvariant).map((v) => `  - ${v.message}`),
          ...(list.length > perInvariant
            ? [`  - … ${list.length - perInvariant} more in violations.json`]
            : []),
        ].join("\n"),
      )
      .join("\n")
  );
}

/** `markdownReport` is the whole run: the table, then each scenario's fault and findings. */
/** `flowLine` is the share of orders that kept flowing through the fault, when the scenario measures it. */
export function flowLine(row: Pick<ReportRow, "flow">): string {
  const f = row.flow;
  if (!f) return "";
  const share =
    f.placedWhileDown === 0 ? "n/a" : `${Math.round((100 * f.confirmedWhileDown) / f.placedWhileDown)} %`;
  return `Kept flowing: ${f.confirmedWhileDown} of the ${f.placedWhileDown} orders acknowledged in the ${(f.downMs / 1000).toFixed(1)} s it was down were confirmed before it came back (${share}).\n\n`;
}

export function markdownReport(title: string, rows: readonly ReportRow[]): string {
  const sections = rows.map(
    (row) => `### ${row.scenario}\n\n${row.description}\n\n${flowLine(row)}${violationList(row)}\n`,
  );
  return `# ${title}\n\n${metricsTable(rows)}\n\n${sections.join("\n")}`;
}
