#!/usr/bin/env node
// `pnpm --filter @bazaar/deploy run generate` (or `pnpm broker:config`) writes the per-service files that
// come from one template: a Dockerfile per service and the base Kubernetes manifests per service, and the
// broker's files derived from the services' declarations: their permissions, the server configuration
// that enforces them (packages/nats-tools/broker) and the cluster's nats.conf. Tests fail when they drift.
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { allGeneratedFiles, packageDir, strayFiles } from "./generated-files.js";

const files = await allGeneratedFiles();
for (const stray of strayFiles(files)) {
  rmSync(stray);
  console.log(`removed ${stray}`);
}
for (const [path, content] of files) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}
console.log(`wrote ${files.size} files (under ${packageDir} and packages/nats-tools/broker)`);
