import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/** Relative specifiers in compiled ES modules: static imports, re-exports and dynamic imports. */
const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)["'](\.{1,2}\/[^"']+)["']/g;

/** A compiled module with no code left (a TypeScript file of types only compiles to `export {};`). */
function isEmptyModule(text: string): boolean {
  return (
    text
      .replace(/\/\/.*$/gm, "")
      .replace(/export\s*\{\s*\};?/g, "")
      .trim() === ""
  );
}

function jsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return jsFiles(path);
    return entry.name.endsWith(".js") ? [resolve(path)] : [];
  });
}

/**
 * `entryPoints` are the files a package starts from: `dist/main.js`, its `exports`, and each `src/*.ts`
 * its scripts run (`tsx src/rebuild-cli.ts` ships as `dist/rebuild-cli.js`).
 */
export function entryPoints(
  dir: string,
  manifest: { scripts?: Record<string, string>; exports?: unknown },
): string[] {
  const fromScripts = Object.values(manifest.scripts ?? {}).flatMap((script) =>
    [...script.matchAll(/\bsrc\/([\w/.-]+)\.ts\b/g)].map((m) => `dist/${m[1]}.js`),
  );
  const fromExports = JSON.stringify(manifest.exports ?? {}).match(/\.\/dist\/[\w/.-]+\.js/g) ?? [];
  return ["dist/main.js", ...fromScripts, ...fromExports]
    .map((p) => resolve(dir, p))
    .filter((p) => existsSync(p));
}

/**
 * `unreachableFiles` lists the compiled files under `dist/` that no entry point imports, directly or
 * not: code a service's build carries without running it (test helpers, fixtures). Files that compiled
 * to nothing are not counted.
 */
export function unreachableFiles(dir: string, entries: readonly string[]): string[] {
  const dist = join(dir, "dist");
  if (!existsSync(dist)) return [];
  const seen = new Set<string>();
  const queue = [...entries];
  for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
    if (seen.has(file) || !existsSync(file)) continue;
    seen.add(file);
    for (const match of readFileSync(file, "utf8").matchAll(RELATIVE_IMPORT)) {
      queue.push(resolve(dirname(file), match[1] as string));
    }
  }
  return jsFiles(dist)
    .filter((file) => !seen.has(file) && !isEmptyModule(readFileSync(file, "utf8")))
    .map((file) => relative(dir, file));
}
