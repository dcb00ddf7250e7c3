import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Hono } from "hono";
import * as v from "valibot";
import type { GatewayEnv } from "../http/gateway-env.js";
import type { OperationDoc } from "../openapi/operation.js";

/** The page and its initializer ship in the package's `public/` folder (next to `src/` and `dist/`). */
const PUBLIC_DOCS = fileURLToPath(new URL("../../public/docs/", import.meta.url));
const SWAGGER_UI = dirname(createRequire(import.meta.url).resolve("swagger-ui-dist/package.json"));

/** The only files served from swagger-ui-dist: a fixed list, so no path can reach anything else. */
const ASSETS: Readonly<Record<string, string>> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "favicon-16x16.png": "image/png",
  "favicon-32x32.png": "image/png",
};

export const docsDocs: readonly OperationDoc[] = [
  {
    method: "get",
    path: "/openapi.json",
    tag: "meta",
    access: "public",
    summary: "This document (OpenAPI 3.1)",
    success: { status: 200, description: "The OpenAPI document" },
  },
  {
    method: "get",
    path: "/docs",
    tag: "meta",
    access: "public",
    summary: "The API reference page (Swagger UI, served from this origin)",
    success: { status: 200, description: "An HTML page", contentType: "text/html", schema: v.string() },
  },
  {
    method: "get",
    path: "/docs/init.js",
    tag: "meta",
    access: "public",
    summary: "The script that starts the reference page",
    success: { status: 200, description: "JavaScript", contentType: "text/javascript", schema: v.string() },
  },
  {
    method: "get",
    path: "/docs/assets/:file",
    tag: "meta",
    access: "public",
    summary: "Swagger UI's own files (swagger-ui-dist), served from this origin",
    params: { file: v.picklist(Object.keys(ASSETS)) },
    success: { status: 200, description: "The file" },
    errors: ["NOT_FOUND"],
  },
];

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
 * `docsRoutes`: `/openapi.json` (built at start, served from memory), `/docs` (a small HTML page and a
 * local initializer script) and Swagger UI's own files under `/docs/assets/`, all from this origin.
 */
export function docsRoutes(options: { spec: string }): Hono<GatewayEnv> {
  const app = new Hono<GatewayEnv>();
  const page = cachedFile(join(PUBLIC_DOCS, "index.html"));
  const init = cachedFile(join(PUBLIC_DOCS, "init.js"));
  const assets = new Map(Object.keys(ASSETS).map((name) => [name, cachedFile(join(SWAGGER_UI, name))]));
  const assetHeaders = (type: string) => ({ "content-type": type, "cache-control": "public, max-age=3600" });

  app.get("/openapi.json", (c) => c.body(options.spec, 200, { "content-type": "application/json" }));
  app.get("/docs", async (c) => c.body(await page(), 200, { "content-type": "text/html; charset=utf-8" }));
  app.get("/docs/init.js", async (c) =>
    c.body(await init(), 200, assetHeaders("text/javascript; charset=utf-8")),
  );
  app.get("/docs/assets/:file", async (c) => {
    const file = c.req.param("file");
    const read = assets.get(file);
    const type = ASSETS[file];
    if (!read || !type) return c.notFound();
    return c.body(await read(), 200, assetHeaders(type));
  });
  return app;
}
