import { describe, expect, it } from "vitest";
import { captureLogs } from "../testing/start-test-service.js";
import { newTrace, runInScope } from "../tracing/trace-context.js";
import { createLogger } from "./logger.js";

describe("createLogger", () => {
  it("puts service, instance, trace id and request id on every line", () => {
    const logs = captureLogs();
    const log = createLogger({ service: "svc", instance: "i-1", destination: logs.stream });
    const trace = newTrace();
    runInScope({ trace, requestId: "r-1" }, () => log.info("inside"));
    log.info("outside");
    const [inside, outside] = logs.lines();
    expect(inside).toMatchObject({
      service: "svc",
      instance: "i-1",
      trace_id: trace.traceId,
      span_id: trace.spanId,
      requestId: "r-1",
      msg: "inside",
    });
    expect(outside).toMatchObject({ service: "svc", msg: "outside" });
    expect(outside).not.toHaveProperty("trace_id");
  });

  it("redacts secrets wherever they appear", () => {
    const logs = captureLogs();
    const log = createLogger({ service: "svc", instance: "i-1", destination: logs.stream });
    log.info(
      {
        password: "p1",
        user: { passwordHash: "h1", token: "t1" },
        session: { refreshToken: "r1" },
        req: { body: { secret: "s1" } },
        headers: { authorization: "Bearer x" },
      },
      "secrets",
    );
    const text = JSON.stringify(logs.lines());
    for (const secret of ["p1", "h1", "t1", "r1", "s1", "Bearer x"]) expect(text).not.toContain(secret);
    expect(text).toContain("[redacted]");
  });
});
