/** The nats-server release Bazaar is tested with; `go install` pins it. */
export const PINNED_SERVER_VERSION = "2.15.2";
/** The oldest server the kit supports (multiple filter subjects, consumer metadata, `term` reasons need it). */
export const MINIMUM_SERVER_VERSION = "2.10.0";
/** The `nats` CLI release installed for inspecting streams, consumers and services. */
export const PINNED_CLI_VERSION = "0.5.0";

export const SERVER_MODULE = "github.com/nats-io/nats-server/v2";
export const CLI_MODULE = "github.com/nats-io/natscli/nats";

/** `parseVersion` reads the first `x.y.z` in a `--version` output line such as `nats-server: v2.15.2`. */
export function parseVersion(output: string): string | undefined {
  return /v?(\d+\.\d+\.\d+)/.exec(output)?.[1];
}

/** `compareVersions` orders two `x.y.z` strings numerically: negative, zero or positive. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}
