import pino, { type Logger } from "pino";
import pretty from "pino-pretty";
import { currentScope } from "../tracing/trace-context.js";

export type { Logger };

export interface CreateLoggerOptions {
  readonly service: string;
  readonly instance: string;
  readonly level?: string;
  readonly pretty?: boolean;
  /** Where lines go (default stdout); tests pass a stream to read them. */
  readonly destination?: NodeJS.WritableStream;
}

/**
 * `createLogger` gives a pino logger whose every line carries the service, the instance and, inside a
 * request or event, its trace id and request id. Pretty output is synchronous so many services can share
 * one process (the monolith mode) without a worker thread each.
 */
export function createLogger(options: CreateLoggerOptions): Logger {
  const stream =
    options.destination ??
    (options.pretty
      ? pretty({
          // FORCE_COLOR lets a parent (the dev runner) keep colours when it pipes a service's output.
          colorize: Boolean(process.stdout.isTTY || process.env.FORCE_COLOR),
          sync: true,
          ignore: "pid,hostname,instance,service",
          // Many services share one terminal in development: say which one speaks.
          messageFormat: `${options.service.padEnd(13)} | {msg}`,
          messageKey: "msg",
        })
      : process.stdout);
  return pino(
    {
      level: options.level ?? "info",
      base: { service: options.service, instance: options.instance },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: {
        // Secrets never reach a log line, at the top level or nested up to two objects deep.
        paths: [
          ...[
            "password",
            "passwordHash",
            "accessToken",
            "refreshToken",
            "token",
            "secret",
            "privateKey",
          ].flatMap((k) => [k, `*.${k}`, `*.*.${k}`]),
          "headers.authorization",
          "*.headers.authorization",
        ],
        censor: "[redacted]",
      },
      mixin() {
        const scope = currentScope();
        if (!scope) return {};
        // The OpenTelemetry names, so a log line finds its span in any trace viewer.
        const ids = { trace_id: scope.trace.traceId, span_id: scope.trace.spanId };
        return scope.requestId ? { ...ids, requestId: scope.requestId } : ids;
      },
      serializers: { err: pino.stdSerializers.errWithCause },
    },
    stream,
  );
}
