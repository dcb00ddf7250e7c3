import { bazaarVitestConfig } from "@bazaar/testing/vitest";

// The pure parts only (statistics, /proc parsing, wrk's report, tables, flags): nothing is started or timed.
export default bazaarVitestConfig({ testTimeout: 10_000 });
