import { bazaarVitestConfig } from "@bazaar/testing/vitest";

// Zipkin is a JVM: on two shared cores its first start can take half a minute.
export default bazaarVitestConfig({ testTimeout: 60_000, hookTimeout: 120_000 });
