/** `NatsToolsError` is the base of every error this package throws; `cause` keeps the original. */
export class NatsToolsError extends Error {
  override readonly name: string = "NatsToolsError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Thrown when no usable nats-server is found and it cannot be installed here. */
export class NatsServerNotFoundError extends NatsToolsError {
  override readonly name = "NatsServerNotFoundError";
}

/** Thrown when an explicitly configured nats-server is missing, broken or older than the minimum. */
export class NatsServerUnusableError extends NatsToolsError {
  override readonly name = "NatsServerUnusableError";
}

/** Thrown when a nats-server process fails to become ready. */
export class NatsServerStartError extends NatsToolsError {
  override readonly name = "NatsServerStartError";
}
