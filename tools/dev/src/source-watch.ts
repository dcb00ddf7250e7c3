import { existsSync, type FSWatcher, watch } from "node:fs";
import { join, relative } from "node:path";

export interface SourceWatchOptions {
  readonly root: string;
  /** Folders to watch, recursively, relative to `root`. */
  readonly folders: readonly string[];
  /** Called once per burst of changes (an editor's save is several events), with one changed path. */
  readonly onChange: (path: string) => void;
  readonly debounceMs?: number;
}

/** Only source files restart anything: not test results, SQLite files or editor swap files. */
const SOURCE = /\.(ts|mts|js|mjs|json)$/;
const IGNORED = /(^|\/)(node_modules|dist|\.test-results|\.turbo)(\/|$)|\.test\.ts$/;

/**
 * `watchSources` reports changes to source files under the given folders. The dev runner restarts the
 * services a change concerns; doing it here rather than with `tsx watch` keeps one process per service,
 * whose exit the runner sees (a crash under `tsx watch` leaves the watcher running and hides it).
 */
export function watchSources(options: SourceWatchOptions): { close(): void } {
  const watchers: FSWatcher[] = [];
  let timer: NodeJS.Timeout | undefined;
  let changed: string | undefined;
  for (const folder of options.folders) {
    const dir = join(options.root, folder);
    if (!existsSync(dir)) continue;
    const watcher = watch(dir, { recursive: true }, (_event, file) => {
      if (!file) return;
      const path = relative(options.root, join(dir, file.toString()));
      if (!SOURCE.test(path) || IGNORED.test(path)) return;
      changed ??= path;
      clearTimeout(timer);
      timer = setTimeout(() => {
        const first = changed;
        changed = undefined;
        if (first) options.onChange(first);
      }, options.debounceMs ?? 150);
    });
    watcher.on("error", () => undefined);
    watchers.push(watcher);
  }
  return {
    close() {
      clearTimeout(timer);
      for (const w of watchers) w.close();
    },
  };
}
