#!/usr/bin/env node
// `pnpm --filter @bazaar/deploy run install-kustomize`: the pinned kustomize into .bin, unless one answers.
import { findKustomize, installKustomize, KUSTOMIZE_VERSION } from "./kustomize.js";

const found = findKustomize();
if (found && !process.argv.includes("--force")) {
  console.log(`kustomize: ${found}`);
} else {
  console.log(`installing kustomize v${KUSTOMIZE_VERSION} with go install`);
  console.log(`kustomize: ${installKustomize()}`);
}
