import { defaultServerConditions } from "vite";
import { defineConfig, type ViteUserConfig } from "vitest/config";

/** Vitest's `test` options, as accepted by `bazaarVitestConfig`. */
export type BazaarTestOptions = NonNullable<ViteUserConfig["test"]>;

/**
 * `bazaarVitestConfig` is the one Vitest setup of the repo: forked workers (better-sqlite3 is a native
 * addon), workspace packages resolved to their TypeScript source, generous timeouts for tests that start
 * real servers, and a JSON report that CI sums up.
 */
export function bazaarVitestConfig(test: BazaarTestOptions = {}): ViteUserConfig {
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
