#!/usr/bin/env node
// `pnpm new:service <name> [--port N] [--entity kebab-name]` adds a service to this repo, every step, and
// says what to edit next. Bad input exits 2 with what to do instead; a failing step exits 1.
import { parseArgs } from "node:util";
import { generate, nextSteps } from "./generate.js";
import { NameError } from "./names.js";
import { repoRoot } from "./repo-root.js";

const USAGE = `usage: pnpm new:service <name> [--port <port>] [--entity <entity>]

  <name>     the service: 2-31 lower-case letters, digits and dashes (e.g. reviews, gift-cards)
  --port     its port under pnpm dev (default: the one after the registry's highest)
  --entity   its first entity in kebab-case (default: the singular of the name, reviews → review)`;

function main(argv: string[]): number {
  let parsed: ReturnType<typeof parse>;
  try {
    parsed = parse(argv);
  } catch (err) {
    console.error(`${(err as Error).message}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(`${positionals.length === 0 ? "name the service" : "one service at a time"}\n\n${USAGE}`);
    return 2;
  }
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && !/^\d+$/.test(values.port ?? "")) {
    console.error(`--port ${values.port} is not a number\n\n${USAGE}`);
    return 2;
  }
  const started = Date.now();
  try {
    const result = generate({
      root: repoRoot(),
      name: positionals[0] as string,
      port,
      entity: values.entity,
      log: (line) => console.log(line),
    });
    const { names } = result;
    console.log(
      `\nadded ${names.name} (@bazaar/${names.name}, port ${result.port}, ${names.portVariable}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    console.log(`\ncreated ${result.created.length} files:`);
    for (const path of result.created) console.log(`  ${path}`);
    console.log(`edited ${result.edited.length} files:`);
    for (const path of result.edited) console.log(`  ${path}`);
    console.log("regenerated: the Dockerfiles and manifests, the broker permissions, docs/asyncapi.json");
    console.log(`\ncheck it: pnpm --filter @bazaar/${names.name} test (and typecheck, lint)`);
    console.log("\nedit next:");
    for (const step of nextSteps(result)) console.log(`  - ${step}`);
    return 0;
  } catch (err) {
    if (err instanceof NameError) {
      console.error(err.message);
      return 2;
    }
    console.error(`new:service failed: ${(err as Error).message}`);
    console.error("the files written so far are listed by `git status`; remove them before trying again");
    return 1;
  }
}

function parse(argv: string[]) {
  return parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      port: { type: "string" },
      entity: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
}

process.exitCode = main(process.argv.slice(2));
