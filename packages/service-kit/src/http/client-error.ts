import type { Duplex } from "node:stream";
import { appError } from "../errors/app-error.js";
import { PROBLEM_CONTENT_TYPE, toProblem } from "./problem.js";

/**
 * `answerClientError` is the HTTP server's answer to a request it cannot even parse (a header with a bare
 * CR or LF, both Content-Length and Transfer-Encoding, a header block too large): the same problem
 * document as every other refusal instead of Node's bare status line, then the connection closes. Headers
 * too large are a 413 (the closed code set has no 431); anything else is a 400. The request's bytes are
 * never quoted.
 */
export function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const problem =
    err.code === "HPE_HEADER_OVERFLOW"
      ? toProblem(appError("PAYLOAD_TOO_LARGE", "the request headers are too large"))
      : toProblem(appError("BAD_REQUEST", "the request is not valid HTTP"));
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${problem.status} ${problem.title}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      "Connection: close\r\n\r\n" +
      body,
  );
}
