import { Hono } from "hono";
import { UnavailableError } from "../errors/app-error.js";
import { problemResponse } from "./problem.js";

/**
 * `createStartingApp` answers while a service is still starting: alive, not ready, and 503 for everything
 * else. The real app's routes are complete before it receives its first request (Hono builds its router
 * on the first request and refuses routes added after).
 */
export function createStartingApp(identity: { service: string; version: string; instance: string }): Hono {
  const app = new Hono();
  app.get("/health/live", (c) => c.json({ status: "pass", ...identity, starting: true }));
  app.get("/health/ready", (c) =>
    c.body(
      JSON.stringify({
        status: "fail",
        ...identity,
        checks: {
          startup: [{ status: "fail", time: new Date().toISOString(), output: "starting", durationMs: 0 }],
        },
      }),
      503,
      { "content-type": "application/health+json", "cache-control": "no-store" },
    ),
  );
  app.all("*", () =>
    problemResponse(new UnavailableError(`${identity.service} is starting`), {
      headers: { "retry-after": "1" },
    }),
  );
  return app;
}
