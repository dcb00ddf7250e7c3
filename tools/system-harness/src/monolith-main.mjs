// The monolith run mode of the production build: every service's compiled definition (`dist/service.js`
// in its deploy folder) started in this one process with the kit of that same folder, stage by stage, each
// with its own environment (port, data folder, broker user), as `tools/dev`'s `startInProcess` does from
// the sources. The harness passes the stages as JSON in `MONOLITH_STAGES`.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const stages = JSON.parse(process.env.MONOLITH_STAGES ?? "[]");
const running = [];

async function startOne({ name, folder, env }) {
  // `startService` is on the kit's platform door (the runtime's own API), not its author-facing one:
  // the file comes from the kit's own exports map, so a reshaped kit cannot leave this behind.
  const kitDir = join(folder, "node_modules", "@bazaar", "service-kit");
  const kitManifest = JSON.parse(readFileSync(join(kitDir, "package.json"), "utf8"));
  const kitEntry = join(kitDir, kitManifest.exports["./platform"].default);
  const { startService } = await import(pathToFileURL(kitEntry).href);
  const { service } = await import(pathToFileURL(join(folder, "dist", "service.js")).href);
  running.push(
    await startService(service, {
      env: { ...process.env, ...env },
      onFatal: () => process.exit(1),
    }),
  );
  process.stderr.write(`monolith: ${name} started\n`);
}

async function main() {
  for (const stage of stages) await Promise.all(stage.map(startOne));
}

let stopping = false;
function stop() {
  if (stopping) return;
  stopping = true;
  Promise.all(running.reverse().map((r) => r.stop())).then(
    () => process.exit(0),
    () => process.exit(1),
  );
}
process.on("SIGTERM", stop);
process.on("SIGINT", stop);

main().catch((err) => {
  process.stderr.write(`monolith: ${err?.stack ?? err}\n`);
  process.exit(1);
});
