// `pnpm bench` (in tools/bench, or from the root): the benchmarks, side by side with the alternatives.
//   pnpm bench [--only gateway-read,rpc,order-flow,event-path,footprint,partitions] [--quick] [--rounds N]
//              [--seconds N] [--warmup N] [--reuse-deploy | --deploy-dir DIR] [--no-fast]
import { fileURLToPath } from "node:url";
import { findRepoRoot } from "@bazaar/nats-tools";
import { parseOptions } from "./run/options.js";
import { runBench } from "./run/run-bench.js";

const started = Date.now();
const log = (line: string) => console.log(`[bench +${Math.round((Date.now() - started) / 1000)}s] ${line}`);

try {
  const options = parseOptions(process.argv.slice(2));
  const run = await runBench({
    root: findRepoRoot(),
    benchDir: fileURLToPath(new URL("..", import.meta.url)),
    options,
    log,
  });
  console.log(`\n${run.markdown}`);
  console.log(`written: ${run.files.join(", ")}`);
  process.exit(0);
} catch (err) {
  console.error(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
  process.exit(1);
}
