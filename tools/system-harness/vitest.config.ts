import { bazaarVitestConfig } from "@bazaar/testing/vitest";

// The pure parts only (the nats-server config, the dev overlay's Secrets): nothing is started.
export default bazaarVitestConfig({ testTimeout: 10_000 });
