import { bazaarVitestConfig } from "@bazaar/testing/vitest";

// The checker's tests: hand-made histories and small SQLite files, no system started.
export default bazaarVitestConfig({ testTimeout: 10_000 });
