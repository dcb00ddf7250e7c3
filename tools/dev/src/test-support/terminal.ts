import { spawnSync } from "node:child_process";

/** A real pseudo-terminal, driven through tmux: keys typed, Ctrl-C sent, the window closed. */
export interface Terminal {
  /** Types a command line and presses Enter. */
  run(command: string): void;
  /** Sends a key, e.g. "C-c" (the terminal turns it into SIGINT for its foreground process group). */
  key(key: string): void;
  /** What the terminal shows now. */
  screen(): string;
  /** Closes the terminal: its processes get SIGHUP, as when a window is closed. */
  close(): void;
}

function tmux(socket: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  const result = spawnSync("tmux", ["-L", socket, "-f", "/dev/null", ...args], {
    encoding: "utf8",
    ...(env ? { env } : {}),
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr.trim()}`);
  return result.stdout;
}

/** `tmuxAvailable` is false where tmux is not installed (the tests then say how to install it). */
export function tmuxAvailable(): boolean {
  return !spawnSync("tmux", ["-V"]).error;
}

/**
 * `openTerminal` starts a shell in a terminal of its own: a tmux server on a private socket (nobody's
 * sessions are touched), with `env` as its environment.
 */
export function openTerminal(options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv }): Terminal {
  const socket = `bazaar-dev-test-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  tmux(
    socket,
    [
      "new-session",
      "-d",
      "-s",
      "main",
      "-x",
      "200",
      "-y",
      "50",
      "-c",
      options.cwd,
      "bash --norc --noprofile",
    ],
    options.env,
  );
  let open = true;
  return {
    run(command) {
      tmux(socket, ["send-keys", "-t", "main", "-l", command]);
      tmux(socket, ["send-keys", "-t", "main", "Enter"]);
    },
    key(key) {
      tmux(socket, ["send-keys", "-t", "main", key]);
    },
    screen: () => (open ? tmux(socket, ["capture-pane", "-p", "-t", "main", "-S", "-200"]) : ""),
    close() {
      if (!open) return;
      open = false;
      tmux(socket, ["kill-server"]);
    },
  };
}
