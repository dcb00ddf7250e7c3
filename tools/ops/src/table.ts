export interface Column<T> {
  readonly label: string;
  readonly value: (row: T) => string | number | null | undefined;
  /** Right-aligned (numbers). */
  readonly right?: boolean;
  /** Longer values are cut with an ellipsis. */
  readonly max?: number;
}

const cell = (value: string | number | null | undefined, max: number | undefined): string => {
  const text =
    value === null || value === undefined || value === "" ? "-" : String(value).replace(/\s+/g, " ");
  return max !== undefined && text.length > max ? `${text.slice(0, max - 1)}…` : text;
};

/** `table` lays rows out in aligned columns under a header, for people (scripts use `--json`). */
export function table<T>(columns: ReadonlyArray<Column<T>>, rows: readonly T[]): string {
  const cells = rows.map((row) => columns.map((c) => cell(c.value(row), c.max)));
  const widths = columns.map((c, i) => Math.max(c.label.length, ...cells.map((r) => (r[i] ?? "").length)));
  const line = (values: readonly string[]): string =>
    values
      .map((v, i) => (columns[i]?.right ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return [line(columns.map((c) => c.label.toUpperCase())), ...cells.map(line)].join("\n");
}

/** `fields` shows one record as `label  value` lines. */
export function fields(pairs: ReadonlyArray<readonly [string, string | number | null | undefined]>): string {
  const width = Math.max(...pairs.map(([label]) => label.length));
  return pairs.map(([label, value]) => `${label.padEnd(width)}  ${cell(value, undefined)}`).join("\n");
}
