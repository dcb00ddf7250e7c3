import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
import {
  addDevSecret,
  addImage,
  addServiceDependency,
  addStream,
  addToCatalog,
  addToContractsIndex,
  addToImportRule,
  addToRegistry,
  registryPorts,
} from "./edits.js";
import { NameError, type Names, validateName } from "./names.js";
import { contractsIndex, contractsModule, eventFixture } from "./templates/contracts.js";
import * as files from "./templates/service-files.js";

export interface GenerateOptions {
  /** The repo to add the service to (the folder holding `pnpm-workspace.yaml`). */
  readonly root: string;
  readonly name: string;
  /** Its port under `pnpm dev`; by default the one after the registry's highest. */
  readonly port?: number | undefined;
  /** Its entity in kebab-case; by default the singular of the name (`reviews` → `review`). */
  readonly entity?: string | undefined;
  /** Where progress goes (one line per step). */
  readonly log?: ((line: string) => void) | undefined;
}

export interface GenerateResult {
  readonly names: Names;
  readonly port: number;
  /** Files written, from the root. */
  readonly created: readonly string[];
  /** Files edited, from the root. */
  readonly edited: readonly string[];
  /** Commands run, in order. */
  readonly commands: readonly string[];
}

/** The files that list every service package, with the line or entry the new one needs. */
const SERVICE_LISTS = ["tools/dev/package.json", "tools/deploy/package.json"] as const;

function nextPort(ports: readonly number[], consolePort: number): number {
  let port = Math.max(...ports) + 1;
  while (port === consolePort || ports.includes(port)) port++;
  return port;
}

/**
 * `generate` adds a service to the repo at `root`, every step: its contracts (stream, entity, a command, a
 * query, an event and its fixture, wired into the index and the catalogue), its folder (declaration,
 * handlers, rules, schema, a test on a real nats-server, README), the registry entry, the import rule, the
 * dev runner's and deploy's lists, the dev overlay's Secret and both overlays' images; then it installs,
 * generates the migrations, the deploy files, the broker permissions and the AsyncAPI document, and
 * formats what it touched. The generated service passes its `pnpm test` untouched.
 *
 * @example
 * const result = generate({ root: "/path/to/bazaar", name: "reviews" });
 * console.log(result.port); // 3108
 */
export function generate(options: GenerateOptions): GenerateResult {
  const { root, name, log = () => {} } = options;
  const names = validateName(root, name, options.entity);
  const topologyFile = "packages/topology/src/topology.ts";
  const topology = read(root, topologyFile);
  const consolePort = Number(/console:\s*\{\s*port:\s*(\d+)/.exec(topology)?.[1] ?? 3100);
  const ports = registryPorts(topology);
  const port = options.port ?? nextPort(ports, consolePort);
  if (!Number.isInteger(port) || port < 1024 || port > 65535)
    throw new NameError(`port ${port} is not a port from 1024 to 65535`);
  if (ports.includes(port) || port === consolePort)
    throw new NameError(`port ${port} is taken (packages/topology/src/topology.ts)`);

  const created: string[] = [];
  const edited: string[] = [];
  const commands: string[] = [];
  const write = (path: string, content: string): void => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
    created.push(path);
  };
  const edit = (path: string, change: (text: string) => string): void => {
    writeFileSync(join(root, path), change(read(root, path)));
    edited.push(path);
  };
  const run = (command: string, args: string[], cwd = root): void => {
    const line = `${command} ${args.join(" ")}${cwd === root ? "" : ` (in ${cwd.slice(root.length + 1)})`}`;
    log(`$ ${line}`);
    commands.push(line);
    const result = spawnSync(command, args, { cwd, stdio: ["ignore", "pipe", "pipe"], encoding: "utf8" });
    if (result.status !== 0)
      throw new Error(
        `\`${line}\` failed (exit ${result.status ?? result.signal}):\n${result.stdout}${result.stderr}`,
      );
  };

  const e = names.entity;
  const contracts = `packages/contracts/src/${name}`;
  log(`contracts: ${contracts}/, the ${names.upper} stream, ${e.snake}.created and its fixture`);
  write(`${contracts}/${name}.ts`, contractsModule(names));
  write(`${contracts}/index.ts`, contractsIndex(names));
  write(`packages/contracts/fixtures/${e.snake}.created.v1/01.json`, eventFixture(names));
  edit("packages/contracts/src/streams.ts", (text) => addStream(text, names));
  edit("packages/contracts/src/index.ts", (text) => addToContractsIndex(text, names));
  edit("packages/contracts/src/catalog.ts", (text) => addToCatalog(text, names));

  const dir = `services/${name}`;
  log(`service: ${dir}/`);
  write(`${dir}/package.json`, files.packageJson(names));
  write(`${dir}/tsconfig.json`, files.tsconfigJson);
  write(`${dir}/tsconfig.build.json`, files.tsconfigBuildJson);
  write(`${dir}/vitest.config.ts`, files.vitestConfig);
  write(`${dir}/drizzle.config.ts`, files.drizzleConfig);
  write(`${dir}/README.md`, files.readme(names));
  write(`${dir}/src/main.ts`, files.mainTs);
  write(`${dir}/src/declaration.ts`, files.declarationTs(names));
  write(`${dir}/src/service.ts`, files.serviceTs(names));
  write(`${dir}/src/db/schema.ts`, files.schemaTs(names));
  write(`${dir}/src/${name}.ts`, files.rulesTs(names));
  write(`${dir}/src/rpc/create-${e.kebab}.ts`, files.createRpcTs(names));
  write(`${dir}/src/rpc/get-${e.kebab}.ts`, files.getRpcTs(names));
  write(`${dir}/src/${name}.test.ts`, files.testTs(names));

  log(`registry: ${name} on port ${port}, stage 1, sqlite, contracts`);
  const known = [...topology.matchAll(/package:\s*"(@bazaar\/[a-z0-9-]+)"/g)].map((m) => m[1] as string);
  edit(topologyFile, (text) => addToRegistry(text, names, port));
  edit("biome.jsonc", (text) => addToImportRule(text, names));
  for (const list of SERVICE_LISTS) edit(list, (text) => addServiceDependency(text, list, names, known));
  const dev = "tools/deploy/k8s/overlays/dev/kustomization.yaml";
  const prod = "tools/deploy/k8s/overlays/prod/kustomization.yaml";
  edit(dev, (text) =>
    addImage(addDevSecret(text, names), dev, names, (s) => `  - { name: bazaar/${s}, newTag: dev }`),
  );
  edit(prod, (text) =>
    addImage(
      text,
      prod,
      names,
      (s) => `  - { name: bazaar/${s}, newName: registry.example.com/bazaar/${s}, newTag: "1.0.0" }`,
    ),
  );

  const pnpm = "pnpm";
  // A new package changes the lockfile: never frozen here, even where CI makes frozen the default.
  const install = spawnSync(pnpm, ["install", "--offline", "--no-frozen-lockfile"], {
    cwd: root,
    encoding: "utf8",
  });
  commands.push("pnpm install --offline --no-frozen-lockfile");
  log("$ pnpm install --offline --no-frozen-lockfile");
  if (install.status !== 0) {
    log("  offline install failed; trying `pnpm install --no-frozen-lockfile`");
    run(pnpm, ["install", "--no-frozen-lockfile"]);
  }
  run(pnpm, ["--filter", `@bazaar/${name}`, "exec", "drizzle-kit", "generate", "--name", "init"]);
  for (const migration of readdirSync(join(root, dir, "drizzle"), { recursive: true, withFileTypes: true }))
    if (migration.isFile())
      created.push(`${relative(root, join(migration.parentPath, migration.name))}`.replace(/\\/g, "/"));
  run(pnpm, ["broker:config"]);
  run(pnpm, ["asyncapi"]);

  // Biome formats and organises what was written or edited by hand here; the generated deploy and broker
  // files are compared byte for byte with their generators' output, so they are left alone.
  const biome = join(root, "node_modules", ".bin", "biome");
  const touched = [...created, ...edited].filter(
    (path) => /\.(ts|json|jsonc)$/.test(path) && !path.includes("/drizzle/") && existsSync(join(root, path)),
  );
  run(biome, ["check", "--write", "--files-ignore-unknown=true", "--no-errors-on-unmatched", ...touched]);
  return { names, port, created, edited, commands };
}

function read(root: string, path: string): string {
  return readFileSync(join(root, path), "utf8");
}

/** `nextSteps` is what to edit after generating, in the order a newcomer would. */
export function nextSteps(result: GenerateResult): string[] {
  const { names: n } = result;
  const e = n.entity;
  return [
    `the ${e.words}'s fields: packages/contracts/src/${n.name}/${n.name}.ts (${e.pascal}, the requests, ${e.camel}Created) and services/${n.name}/src/db/schema.ts, then the rules in services/${n.name}/src/${n.name}.ts`,
    `the migrations after a schema change: pnpm --filter @bazaar/${n.name} db:generate (commit services/${n.name}/drizzle/)`,
    `a new event version keeps a fixture in packages/contracts/fixtures/<type>.v<n>/; after a contract change: pnpm asyncapi`,
    `the role line in packages/topology/src/topology.ts, the description in services/${n.name}/package.json and its README's table`,
    `the root README's table of folders, and the broker user ${n.name} in tools/deploy/README.md's Secret loop (prod creates nats-user-${n.name} in the cluster)`,
    `after the declaration changes (calls, consumes): pnpm broker:config; then pnpm --filter @bazaar/${n.name} test`,
  ];
}
