/** `TracesError` is the base of this package's errors; `code` is stable, the message says what to do. */
export class TracesError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The viewer (the Zipkin jar, Java, or the collector binary) is not installed. */
export class ViewerNotInstalledError extends TracesError {
  constructor(message: string) {
    super("VIEWER_NOT_INSTALLED", message);
  }
}

/** A viewer process did not start, or did not answer in time. */
export class ViewerStartError extends TracesError {
  constructor(message: string, options?: { cause?: unknown }) {
    super("VIEWER_START_FAILED", message, options);
  }
}

/** `waitForTrace` gave up: the message says what it saw last. */
export class TraceNotFoundError extends TracesError {
  constructor(message: string) {
    super("TRACE_NOT_FOUND", message);
  }
}
