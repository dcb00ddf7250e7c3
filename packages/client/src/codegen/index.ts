// Tooling, not runtime: these need the package's devDependencies (openapi-typescript), which a workspace
// install has. Used by `pnpm client:generate` and the drift check in tools/e2e.
export {
  fetchOpenApi,
  firstDifference,
  GENERATED_BANNER,
  GENERATED_TYPES_FILE,
  renderTypes,
} from "./render-types.js";
