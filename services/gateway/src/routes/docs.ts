import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildAsyncApi, fixtureExamples } from "@bazaar/asyncapi";
import * as v from "valibot";
import { defineRoute } from "../routing/define-route.js";
import type { RouteGroup } from "../routing/route-group.js";

/**
 * The page and its initializer ship in the package's `public/` folder (next to `src/` and `dist/`), found
 * from this module upwards: it runs from `src/routes/`, `dist/routes/` or the bundled `dist/main.js`.
 */
function packageFolder(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json"))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}
const PUBLIC_DOCS = join(packageFolder(dirname(fileURLToPath(import.meta.url))), "public", "docs");
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The only files served from swagger-ui-dist: a fixed list, so no path can reach anything else. */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

/** Files are read once, on first request, and kept: they never change while the process runs. */
function cachedFile(path: string): () => Promise<Uint8Array<ArrayBuffer>> {
  let body: Promise<Uint8Array<ArrayBuffer>> | undefined;
  return () => {
    body ??= readFile(path).then(
      (buffer) => new Uint8Array(buffer),
      (err: unknown) => {
        body = undefined;
        throw err;
      },
    );
    return body;
  };
}

/**
 * `openApiRoutes`: `/openapi.json` (this API) and `/asyncapi.json` (every event and RPC between the
 * services, from the contracts), both built at start and served from memory.
 */
export function openApiRoutes(options: { spec: () => string; version: string }): RouteGroup {
  const document = defineRoute({
    method: "get",
    path: "/openapi.json",
    access: "public",
    summary: "This document (OpenAPI 3.1)",
    success: { status: 200, description: "The OpenAPI document" },
    handler: (c) => c.body(options.spec(), 200, { "content-type": "application/json" }),
  });
  const events = JSON.stringify(buildAsyncApi({ version: options.version, examples: fixtureExamples() }));
  const asyncApi = defineRoute({
    method: "get",
    path: "/asyncapi.json",
    access: "public",
    summary: "The services' events and calls over NATS (AsyncAPI 3.0)",
    success: { status: 200, description: "The AsyncAPI document" },
    handler: (c) => c.body(events, 200, { "content-type": "application/json" }),
  });
  return { prefix: "/", tag: "meta", routes: [document, asyncApi] };
}

/**
 * `docsRoutes`: `/docs` (a small HTML page and a local initializer script) and Swagger UI's own files
 * under `/docs/assets/`, all from this origin.
 */
export function docsRoutes(): RouteGroup {
  const page = cachedFile(join(PUBLIC_DOCS, "index.html"));
  const init = cachedFile(join(PUBLIC_DOCS, "init.js"));
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, cachedFile(join(SWAGGER_UI, name))]));
  const assetHeaders = (type: string) => ({ "content-type": type, "cache-control": "public, max-age=3600" });

  const reference = defineRoute({
    method: "get",
    path: "/",
    access: "public",
    summary: "The API reference page (Swagger UI, served from this origin)",
    success: { status: 200, description: "An HTML page", contentType: "text/html", schema: v.string() },
    handler: async (c) => c.body(await page(), 200, { "content-type": "text/html; charset=utf-8" }),
  });

  const initializer = defineRoute({
    method: "get",
    path: "/init.js",
    access: "public",
    summary: "The script that starts the reference page",
    success: { status: 200, description: "JavaScript", contentType: "text/javascript", schema: v.string() },
    handler: async (c) => c.body(await init(), 200, assetHeaders("text/javascript; charset=utf-8")),
  });

  const asset = defineRoute({
    method: "get",
    path: "/assets/:file",
    access: "public",
    summary: "Swagger UI's own files (swagger-ui-dist), served from this origin",
    // Any name is a well-formed request: one that is not on the list is a 404 (nothing is there), not a 400.
    params: v.object({ file: v.pipe(v.string(), v.description(`One of ${Object.keys(ASSETS).join(", ")}`)) }),
    success: { status: 200, description: "The file" },
    errors: ["NOT_FOUND"],
    handler: async (c, { params: { file } }) => {
      const read = assets.get(file);
      const type = ASSETS[file];
      if (!read || !type) return c.notFound();
      return c.body(await read(), 200, assetHeaders(type));
    },
  });

  return { prefix: "/docs", tag: "meta", routes: [reference, initializer, asset] };
}
