import type { ViteUserConfig } from "vitest/config";

/** The shared Vitest configuration; `test` overrides individual test options. */
export declare function bazaarVitestConfig(test?: ViteUserConfig["test"]): ViteUserConfig;
