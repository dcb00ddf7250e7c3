import { runCommand } from "@bazaar/system-harness";

/**
 * `limitFileSize` sets a running process's soft limit on file size (`RLIMIT_FSIZE`, with `prlimit`):
 * every write that would reach past `bytes` fails with EFBIG (Node ignores SIGXFSZ), so a file can no
 * longer grow, which is what a full disk is to SQLite (its writes fail with an I/O error). The hard limit
 * stays unlimited, so `unlimitFileSize` can lift it again without privileges.
 */
export async function limitFileSize(pid: number, bytes: number): Promise<void> {
  await runCommand({
    command: "prlimit",
    args: ["--pid", String(pid), `--fsize=${bytes}:unlimited`],
    cwd: "/",
  });
}

export async function unlimitFileSize(pid: number): Promise<void> {
  await runCommand({
    command: "prlimit",
    args: ["--pid", String(pid), "--fsize=unlimited:unlimited"],
    cwd: "/",
  });
}
