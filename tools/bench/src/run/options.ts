/** Every scenario the harness knows, in the order it runs them. */
export const SCENARIOS = [
  "gateway-read",
  "rpc",
  "order-flow",
  "event-path",
  "footprint",
  "partitions",
] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface BenchOptions {
  readonly only: readonly ScenarioName[];
  readonly quick: boolean;
  /** Interleaved rounds per scenario (ABCABCABC). */
  readonly rounds: number;
  readonly warmupSeconds: number;
  readonly seconds: number;
  /** Concurrent HTTP connections or NATS requests of the read scenarios. */
  readonly concurrency: number;
  /** Client counts of the order flow. */
  readonly orderClients: readonly number[];
  /** Keep deploy folders that are already built. */
  readonly reuseDeploy: boolean;
  /** Also run the less durable settings row (order flow). */
  readonly fast: boolean;
  /** Deploy folders built elsewhere (`tools/faults/test-artifacts/deploy`, say): used as they are. */
  readonly deployDir?: string;
}

/** `parseOptions` reads `--only a,b`, `--quick`, `--rounds N`, `--seconds N`, `--reuse-deploy`, `--deploy-dir DIR`,
 * `--no-fast`. */
export function parseOptions(argv: readonly string[]): BenchOptions {
  const args = [...argv];
  const value = (flag: string): string | undefined => {
    const at = args.indexOf(flag);
    if (at < 0) return undefined;
    const v = args[at + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value`);
    return v;
  };
  const known = new Set([
    "--only",
    "--quick",
    "--rounds",
    "--seconds",
    "--warmup",
    "--reuse-deploy",
    "--no-fast",
    "--deploy-dir",
  ]);
  for (const a of args)
    if (a.startsWith("--") && !known.has(a))
      throw new Error(`unknown flag ${a} (known: ${[...known].join(" ")})`);
  const only = value("--only")
    ?.split(",")
    .map((s) => s.trim()) ?? [...SCENARIOS];
  for (const name of only)
    if (!(SCENARIOS as readonly string[]).includes(name))
      throw new Error(`unknown scenario ${name} (known: ${SCENARIOS.join(", ")})`);
  const quick = args.includes("--quick");
  const num = (flag: string, fallback: number): number => {
    const v = value(flag);
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n <= 0) throw new Error(`${flag} must be a positive number, not ${v}`);
    return n;
  };
  return {
    only: SCENARIOS.filter((s) => only.includes(s)),
    quick,
    rounds: num("--rounds", quick ? 1 : 3),
    warmupSeconds: num("--warmup", quick ? 1 : 5),
    seconds: num("--seconds", quick ? 3 : 15),
    concurrency: 50,
    orderClients: [2, 32],
    reuseDeploy: args.includes("--reuse-deploy"),
    fast: !args.includes("--no-fast"),
    ...(value("--deploy-dir") ? { deployDir: value("--deploy-dir") as string } : {}),
  };
}
