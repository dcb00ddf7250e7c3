import { bazaarVitestConfig } from "@bazaar/testing/vitest";

export default bazaarVitestConfig();
