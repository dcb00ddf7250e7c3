#!/usr/bin/env node
// `bazaar`: the operator's command line over the gateway's admin API (see `run.ts` for the commands).
import { run } from "./run.js";

const code = await run(process.argv.slice(2), {
  env: process.env,
  stdout: (text) => process.stdout.write(`${text}\n`),
  stderr: (text) => process.stderr.write(`${text}\n`),
});
process.exitCode = code;
