#!/usr/bin/env node
import { relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { type DeployResult, deployService } from "./deploy-service.js";
import { SERVICE_SECRETS } from "./k8s/settings.js";
import { findRepoRoot, listServices } from "./repo.js";

const USAGE = `usage: pnpm deploy:service <service> [--out <dir, relative to the repo root>] [--skip-build]
       pnpm deploy:service --all [--skip-build]

Builds the service and its workspace packages, then writes a self-contained folder (default
dist/deploy/<service>): compiled code, migrations, production dependencies with the SQLite addon.
Start it with \`npm start\` from that folder; configure it with environment variables only.`;

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

function describe(result: DeployResult, root: string): string {
  const where = relative(root, result.dir).startsWith("..") ? result.dir : relative(root, result.dir);
  const env = [
    "NODE_ENV=production",
    "NATS_URL=nats://…",
    ...(result.service.usesSqlite ? ["DATA_DIR=/data"] : []),
    "HOST=0.0.0.0",
    "PORT=8080",
  ];
  const secrets = [
    "NATS_CREDS or NATS_USER and NATS_PASSWORD",
    ...(SERVICE_SECRETS[result.service.name] ?? []).map((s) => s.name),
  ];
  return [
    `${result.service.name} → ${where} (${megabytes(result.bytes)}, ${result.fileCount} files)`,
    `  code        ${result.code.filter((f) => f.endsWith(".js")).length} files in dist/`,
    `  migrations  ${result.migrations.length > 0 ? result.migrations.join(", ") : "none"}`,
    `  addon       ${result.nativeAddon ?? "none"}`,
    `  packages    ${result.dependencies.join(", ")}`,
    `  start       cd ${where} && ${env.join(" ")} npm start`,
    `  secrets     ${secrets.join(", ")}`,
  ].join("\n");
}

async function main(argv: readonly string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      out: { type: "string" },
      all: { type: "boolean", default: false },
      "skip-build": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const root = findRepoRoot();
  const names = values.all ? listServices(root).map((s) => s.name) : positionals;
  if (values.help || names.length === 0) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  if (values.out && names.length > 1) {
    console.error("--out names one folder: give one service");
    return 2;
  }
  // pnpm runs the script in tools/deploy whatever folder it was typed in, so a relative --out is taken
  // from the repo root: the same place every time.
  const outDir = values.out ? resolve(root, values.out) : undefined;
  for (const name of names) {
    const result = await deployService({
      name,
      ...(outDir ? { outDir } : {}),
      build: !values["skip-build"],
      inherit: true,
      root,
    });
    console.log(`\n${describe(result, root)}`);
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exit(1);
  },
);
