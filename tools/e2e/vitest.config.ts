import { bazaarVitestConfig } from "@bazaar/testing/vitest";

// Each file runs a whole system; one at a time keeps a two-core machine responsive.
export default bazaarVitestConfig({ fileParallelism: false, testTimeout: 60_000 });
