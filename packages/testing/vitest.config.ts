import { bazaarVitestConfig } from "./vitest-preset.js";

export default bazaarVitestConfig();
