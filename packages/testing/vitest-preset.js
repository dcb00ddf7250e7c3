// @ts-check
// The one Vitest setup of the repo. Plain JavaScript because Vitest loads its config with Node before
// any TypeScript tooling is in place.
import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * `bazaarVitestConfig` gives forked workers (better-sqlite3 is a native addon), workspace packages
 * resolved to their TypeScript source, generous timeouts for tests that start real servers, and a JSON
 * report that CI sums up.
 *
 * @param {import("vitest/config").ViteUserConfig["test"]} [test] overrides of the `test` options
 * @returns {import("vitest/config").ViteUserConfig}
 */
export function bazaarVitestConfig(test = {}) {
  const conditions = ["@bazaar/source", ...defaultServerConditions];
  return defineConfig({
    resolve: { conditions },
    ssr: { resolve: { conditions } },
    test: {
      pool: "forks",
      testTimeout: 30_000,
      hookTimeout: 60_000,
      reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
      ...test,
    },
  });
}
