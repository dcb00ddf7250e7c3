#!/usr/bin/env node
// `pnpm --filter @bazaar/deploy run generate` writes the per-service files that come from one template:
// a Dockerfile per service and the base Kubernetes manifests per service. Tests fail when they drift.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { generatedFiles, packageDir, strayFiles } from "./generated-files.js";

const files = generatedFiles();
for (const stray of strayFiles(files)) {
  rmSync(stray);
  console.log(`removed ${stray}`);
}
for (const [path, content] of files) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
console.log(`wrote ${files.size} files under ${packageDir}`);
