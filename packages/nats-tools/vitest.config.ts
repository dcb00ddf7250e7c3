import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    pool: "forks",
    reporters: ["default", ["json", { outputFile: ".test-results/vitest.json" }]],
  },
});
