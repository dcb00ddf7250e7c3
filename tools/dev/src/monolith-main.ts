// `pnpm dev:monolith` runs every service in this one process, started by the dev runner as its child: the
// runner's own output, signals and restarts then work the same in both modes, and a broken terminal can
// never take the services down with the runner.
import { MONOLITH_VARIABLE, parseMonolithSpec } from "./monolith-spec.js";
import { startSystem } from "./system.js";

async function main(): Promise<void> {
  const spec = parseMonolithSpec(process.env[MONOLITH_VARIABLE]);
  const system = await startSystem({
    mode: "monolith",
    natsUrl: spec.natsUrl,
    dataDir: spec.dataDir,
    nodeEnv: "development",
    ports: spec.ports,
    only: spec.only,
    env: spec.env,
    envFor: spec.envFor,
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    system.stop().then(
      () => process.exit(0),
      (err: unknown) => {
        process.stderr.write(`monolith: stop failed: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`monolith: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
