import { bazaarVitestConfig } from "./src/vitest.js";

export default bazaarVitestConfig();
