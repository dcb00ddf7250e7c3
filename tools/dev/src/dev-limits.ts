/**
 * Rate limits for `pnpm dev`: production's auth limit (10 a minute per IP) is meant for password guessing,
 * and one machine running the demo, the console, the ops CLI and scripted checks shares one IP. These
 * leave the limits on (the headers and a 429 can still be seen) but out of the way; a variable set in the
 * environment wins.
 */
export const DEV_RATE_LIMITS = {
  RATE_LIMIT_AUTH: "1000",
  RATE_LIMIT_USER: "3000",
  RATE_LIMIT_ANONYMOUS: "1200",
} as const;

/** `devGatewayEnv` is the gateway's development limits, with the caller's own values kept. */
export function devGatewayEnv(
  env: Readonly<Record<string, string | undefined>>,
): Record<keyof typeof DEV_RATE_LIMITS, string> {
  return {
    RATE_LIMIT_AUTH: env.RATE_LIMIT_AUTH ?? DEV_RATE_LIMITS.RATE_LIMIT_AUTH,
    RATE_LIMIT_USER: env.RATE_LIMIT_USER ?? DEV_RATE_LIMITS.RATE_LIMIT_USER,
    RATE_LIMIT_ANONYMOUS: env.RATE_LIMIT_ANONYMOUS ?? DEV_RATE_LIMITS.RATE_LIMIT_ANONYMOUS,
  };
}
