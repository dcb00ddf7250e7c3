// Runs as it is under Node 24 (type stripping) in the Dockerfile's build stage, so it imports packages only.
import { existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, sep } from "node:path";
import { build, type Plugin } from "esbuild";

/** Packages that stay files on disk: native addons, loaded from their own folder. */
export const UNBUNDLED_PACKAGES: readonly string[] = ["better-sqlite3"];

/** CommonJS code in the bundle calls `require`, which an ES module does not have. */
const BANNER = [
  'import { createRequire as __bundleRequire } from "node:module";',
  "const require = __bundleRequire(import.meta.url);",
].join("\n");

/**
 * Leaves `UNBUNDLED_PACKAGES` as imports of their real files, by a path relative to `dist/`: the deploy
 * folder keeps them where pnpm put them (under `node_modules/.pnpm`, out of reach of a bare specifier from
 * `dist/main.js`, since they are dependencies of the kit, not of the service).
 */
function unbundled(dir: string, outDir: string): Plugin {
  const names = new Set(UNBUNDLED_PACKAGES);
  const root = realpathSync(dir);
  return {
    name: "unbundled-packages",
    setup(b) {
      b.onResolve({ filter: /^[^./]/ }, (args) => {
        const name = args.path.startsWith("@")
          ? args.path.split("/").slice(0, 2).join("/")
          : (args.path.split("/")[0] ?? "");
        if (!names.has(name)) return undefined;
        const file = realpathSync(createRequire(args.importer).resolve(args.path));
        if (!file.startsWith(root + sep)) throw new Error(`${args.path} resolves outside ${dir}: ${file}`);
        const path = relative(outDir, file).split(sep).join("/");
        return { path: path.startsWith(".") ? path : `./${path}`, external: true };
      });
    },
  };
}

/**
 * `bundleMain` rewrites a deploy folder's `dist/main.js` as one file with every dependency inside it but
 * the native addon. Node 24 loads each ES module of a package by reading that package's `package.json`
 * again, and drizzle-orm's is 179 KB with over a hundred modules: unbundled, that alone held about 130 MB
 * of a service's memory and half a second of its start. `dist/service.js` and the rest stay as they were,
 * for the modular monolith, which imports them.
 */
export async function bundleMain(dir: string): Promise<{ readonly bytes: number }> {
  const entry = join(dir, "dist", "main.js");
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build the service first`);
  const outDir = dirname(entry);
  const result = await build({
    entryPoints: [entry],
    outfile: entry,
    allowOverwrite: true,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node24",
    // Error names, class names in logs and `instanceof` messages stay readable.
    keepNames: true,
    sourcemap: "linked",
    banner: { js: BANNER },
    plugins: [unbundled(dir, outDir)],
    metafile: true,
    logLevel: "warning",
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  return { bytes: output?.bytes ?? 0 };
}

// The Dockerfile's build stage: `node bundle-main.ts /app`.
if (import.meta.main) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write("usage: node bundle-main.ts <deploy folder>\n");
    process.exit(2);
  }
  const { bytes } = await bundleMain(dir);
  process.stdout.write(`bundled ${join(dir, "dist", "main.js")} (${Math.round(bytes / 1024)} KiB)\n`);
}
