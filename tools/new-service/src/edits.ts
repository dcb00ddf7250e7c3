import type { Names } from "./names.js";
import { streamDefinition } from "./templates/contracts.js";

/**
 * Text edits of the files a new service is listed in. Each takes the file's text and returns the new
 * text, or throws naming what it did not find (someone changed the file's shape: edit it by hand).
 */

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what}; add the new service there by hand`);
}

/** `closingBracket` is the index of the bracket that closes the one at `open` (strings are skipped). */
export function closingBracket(text: string, open: number): number {
  const pairs: Record<string, string> = { "[": "]", "{": "}", "(": ")" };
  const stack: string[] = [];
  for (let i = open; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '"' || ch === "'" || ch === "`") {
      for (i++; i < text.length && text[i] !== ch; i++) if (text[i] === "\\") i++;
      continue;
    }
    if (ch === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      continue;
    }
    if (ch === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) return -1;
      continue;
    }
    if (pairs[ch]) stack.push(pairs[ch]);
    else if (ch === "]" || ch === "}" || ch === ")") {
      if (stack.pop() !== ch) return -1;
      if (stack.length === 0) return i;
    }
  }
  return -1;
}

/** The registry: the services' ports (the next free one comes after the highest). */
export function registryPorts(topology: string): number[] {
  return [...topology.matchAll(/\bport:\s*(\d+)/g)].map((m) => Number(m[1]));
}

/** `addToRegistry` inserts the service's entry before the closing of the registry's `services` array. */
export function addToRegistry(topology: string, n: Names, port: number): string {
  const file = "packages/topology/src/topology.ts";
  const start = topology.search(/\bservices:\s*\[/);
  if (start < 0) fail(file, "no `services: [` array");
  const open = topology.indexOf("[", start);
  const close = closingBracket(topology, open);
  if (close < 0) fail(file, "the `services` array does not close");
  const before = topology.slice(0, close).replace(/\s*$/, "");
  const comma = before.endsWith(",") || before.endsWith("[") ? "" : ",";
  const entry = `
    {
      name: "${n.name}",
      folder: "services/${n.name}",
      package: "@bazaar/${n.name}",
      port: ${port},
      role: "${n.pascal}: create and get ${n.entity.words}s (generated; say what it is for in one line)",
      stage: 1,
      store: "sqlite",
      edge: false,
      contracts: true,
      invariants: false,
    },
  `;
  return `${before}${comma}${entry}${topology.slice(close)}`;
}

/** `packages/contracts/src/streams.ts`: the stream's definition before `STREAMS`, and its name in it. */
export function addStream(streams: string, n: Names): string {
  const file = "packages/contracts/src/streams.ts";
  const marker = streams.search(/(\/\*\*[^\n]*\*\/\s*\n)?export const STREAMS\b/);
  if (marker < 0) fail(file, "no `export const STREAMS`");
  const withDefinition = `${streams.slice(0, marker)}${streamDefinition(n)}\n${streams.slice(marker)}`;
  const list = withDefinition.search(/export const STREAMS\s*=\s*\[/);
  const open = withDefinition.indexOf("[", list);
  const close = closingBracket(withDefinition, open);
  if (close < 0) fail(file, "`STREAMS` does not close");
  const inside = withDefinition.slice(open + 1, close);
  // The dead-letter stream stays last: a new stream goes before it when it is listed.
  const dead = inside.lastIndexOf("DEAD_LETTER_STREAM");
  const updated =
    dead >= 0
      ? `${inside.slice(0, dead)}${n.upper}_STREAM,\n  ${inside.slice(dead)}`
      : `${inside.replace(/\s*$/, "")}${inside.trim() === "" || inside.trim().endsWith(",") ? "" : ","}\n  ${n.upper}_STREAM,\n`;
  return `${withDefinition.slice(0, open + 1)}${updated}${withDefinition.slice(close)}`;
}

/** `packages/contracts/src/index.ts`: the namespace export and the stream in the streams' export list. */
export function addToContractsIndex(index: string, n: Names): string {
  const file = "packages/contracts/src/index.ts";
  const streamsExport = index.search(/export \{[^}]*\} from "\.\/streams\.js";/);
  if (streamsExport < 0) fail(file, 'no `export { ... } from "./streams.js"`');
  const close = index.indexOf("}", streamsExport);
  const names = index
    .slice(index.indexOf("{", streamsExport) + 1, close)
    .trim()
    .replace(/,$/, "");
  const withStream = `${index.slice(0, streamsExport)}export {\n  ${names},\n  ${n.upper}_STREAM,\n${index.slice(close)}`;
  return `${withStream.replace(/\s*$/, "")}\nexport * as ${n.camel} from "./${n.name}/index.js";\n`;
}

/** `packages/contracts/src/catalog.ts`: the import and the `DOMAINS` entry under the registry's name. */
export function addToCatalog(catalog: string, n: Names): string {
  const file = "packages/contracts/src/catalog.ts";
  const lastImport = [...catalog.matchAll(/^import .*;$/gm)].at(-1);
  if (!lastImport || lastImport.index === undefined) fail(file, "no imports");
  const at = lastImport.index + lastImport[0].length;
  const withImport = `${catalog.slice(0, at)}\nimport * as ${n.camel} from "./${n.name}/index.js";${catalog.slice(at)}`;
  const domains = withImport.search(/export const DOMAINS\s*=\s*\{/);
  if (domains < 0) fail(file, "no `export const DOMAINS = {`");
  const open = withImport.indexOf("{", domains);
  const close = closingBracket(withImport, open);
  if (close < 0) fail(file, "`DOMAINS` does not close");
  const key = n.camel === n.name ? n.name : `"${n.name}": ${n.camel}`;
  const before = withImport.slice(0, close).replace(/\s*$/, "");
  const comma = before.endsWith(",") || before.endsWith("{") ? "" : ",";
  return `${before}${comma}\n  ${key},\n${withImport.slice(close)}`;
}

/** `biome.jsonc`: the package in the rule that keeps services from importing each other. */
export function addToImportRule(biome: string, n: Names): string {
  const last = [...biome.matchAll(/^(\s*)"@bazaar\/[a-z0-9-]+\/\*\*"(,?)$/gm)].at(-1);
  if (!last || last.index === undefined)
    fail("biome.jsonc", 'no `"@bazaar/<service>/**"` in the services rule');
  const indent = last[1] ?? "";
  const end = last.index + last[0].length;
  const line = last[0].replace(/,$/, "");
  return `${biome.slice(0, last.index)}${line},\n${indent}"@bazaar/${n.name}",\n${indent}"@bazaar/${n.name}/**"${last[2] ?? ""}${biome.slice(end)}`;
}

/**
 * A tool's package.json that lists every service package (the dev runner's, deploy's): the new one goes in
 * the section that holds the others.
 */
export function addServiceDependency(packageJson: string, file: string, n: Names, known: string[]): string {
  const pkg = JSON.parse(packageJson) as Record<string, unknown>;
  for (const section of ["dependencies", "devDependencies"]) {
    const deps = pkg[section] as Record<string, string> | undefined;
    if (deps && known.some((name) => name in deps)) {
      deps[`@bazaar/${n.name}`] = "workspace:*";
      return `${JSON.stringify(pkg, null, 2)}\n`;
    }
  }
  return fail(file, "no section lists the services' packages");
}

/** A kustomization's `images:` list: the service's image, in the list's (alphabetical) order. */
export function addImage(
  kustomization: string,
  file: string,
  n: Names,
  line: (name: string) => string,
): string {
  const images = [...kustomization.matchAll(/^ {2}- \{ name: bazaar\/([a-z0-9-]+),.*$/gm)];
  if (images.length === 0) fail(file, "no `- { name: bazaar/<service>, ... }` images");
  const after = images.find((m) => (m[1] as string) > n.name);
  const at = after?.index ?? (images.at(-1)?.index ?? 0) + (images.at(-1)?.[0].length ?? 0) + 1;
  return `${kustomization.slice(0, at)}${line(n.name)}\n${kustomization.slice(at)}`;
}

/** The dev overlay's `secretGenerator`: the service's broker password (a public development value). */
export function addDevSecret(kustomization: string, n: Names): string {
  const file = "tools/deploy/k8s/overlays/dev/kustomization.yaml";
  const secrets = [...kustomization.matchAll(/^ {2}- name: (nats-user-[a-z0-9-]+|users-secrets)$/gm)];
  if (secrets.length === 0) fail(file, "no `- name: nats-user-<user>` Secrets");
  const after = secrets.find((m) => {
    const user = (m[1] as string).replace(/^nats-user-/, "");
    return m[1] === "users-secrets" || (user !== "operator" && user > n.name);
  });
  const at = after?.index ?? kustomization.indexOf("\n", (secrets.at(-1)?.index ?? 0) + 1) + 1;
  const block = `  - name: nats-user-${n.name}\n    literals:\n      - password=dev-only-${n.name}-nats-password\n`;
  return `${kustomization.slice(0, at)}${block}${kustomization.slice(at)}`;
}
