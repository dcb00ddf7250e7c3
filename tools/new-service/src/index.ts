export type { GenerateOptions, GenerateResult } from "./generate.js";
export { generate, nextSteps } from "./generate.js";
export type { Names } from "./names.js";
export { deriveNames, NameError, singular, validateName } from "./names.js";
export { repoRoot } from "./repo-root.js";
