/**
 * `guardOutput` keeps a broken stdout or stderr from killing the runner. When the reader of a pipe goes
 * (`pnpm dev | tee` and Ctrl-C stops `tee` first) or the terminal closes, a write fails with EPIPE or EIO;
 * unhandled, that error ends the process before it could stop its children. After that the stream is left
 * alone: nobody can read it any more.
 */
export function guardOutput(options: {
  readonly streams?: readonly NodeJS.WriteStream[];
  /** Called once per stream that broke (the runner keeps going; its children still need stopping). */
  readonly onBroken?: (stream: NodeJS.WriteStream, err: NodeJS.ErrnoException) => void;
}): { isBroken(stream: NodeJS.WriteStream): boolean } {
  const streams = options.streams ?? [process.stdout, process.stderr];
  const broken = new Set<NodeJS.WriteStream>();
  for (const stream of streams) {
    stream.on("error", (err: NodeJS.ErrnoException) => {
      if (broken.has(stream)) return;
      broken.add(stream);
      options.onBroken?.(stream, err);
    });
  }
  return { isBroken: (stream) => broken.has(stream) };
}

/** `writeLine` writes one line unless the stream is gone; it never throws. */
export function writeLine(stream: NodeJS.WriteStream, line: string): void {
  if (stream.destroyed || stream.writableEnded) return;
  try {
    stream.write(`${line}\n`);
  } catch {
    // A synchronous EPIPE on some platforms: the 'error' listener above sees it too.
  }
}
