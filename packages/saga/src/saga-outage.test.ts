import { setTimeout as delay } from "node:timers/promises";
import { defineRpc } from "@bazaar/contracts";
import { connectNats, connectRpcClient, createRpcClient } from "@bazaar/service-kit/platform";
import { startTestNats } from "@bazaar/testing";
import * as v from "valibot";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineFor, log, open, recorder, start } from "./test-support/saga-fixtures.js";

const ping = defineRpc({
  service: "pinger",
  name: "ping",
  description: "Answers while the broker is up",
  command: true,
  request: v.object({}),
  response: v.object({ ok: v.boolean() }),
  timeoutMs: 500,
});

describe("SagaEngine across a broker outage", () => {
  let nats: Awaited<ReturnType<typeof startTestNats>>;
  beforeAll(async () => {
    nats = await startTestNats({ jetstream: false });
  });
  afterAll(() => nats.dispose());

  it("spends no step budget while the connection is down: an outage longer than the budget fails nothing", async () => {
    const callee = await connectRpcClient({ servers: nats.url, caller: "pinger" });
    callee.nc.subscribe(ping.subject, {
      callback: (_err, m) => {
        m.respond(JSON.stringify({ ok: true }));
      },
    });
    const link = await connectNats({ servers: nats.url, name: "saga-outage", log });
    const client = createRpcClient({ nc: link.nc, caller: "saga-outage", connected: link.connected });
    const { sqlite } = open();
    const rec = recorder();
    const engine = engineFor(
      sqlite,
      [
        {
          name: "ping",
          execute: async ({ signal }) => {
            rec.calls.push("ping");
            await client.call(ping, {}, { signal });
          },
          compensate: async () => {
            rec.calls.push("undo-ping");
          },
        },
      ],
      rec,
      { stepBudgetMs: 300, baseDelayMs: 20, maxDelayMs: 100 },
    );
    try {
      await nats.stop();
      while (link.connected()) await delay(10);
      const id = start(engine, sqlite);
      const run = engine.run(id);
      // Five times the step's budget without a broker: the saga keeps waiting, forward.
      await delay(1_500);
      expect(engine.summary(id).status).toBe("running");
      expect(engine.get(id)?.history.at(-1)?.error).toMatch(/UNAVAILABLE\/BROKER_DOWN/);
      await nats.restart();
      await run;
      expect(engine.summary(id).status).toBe("completed");
      expect(rec.calls.filter((c) => c === "undo-ping")).toEqual([]);
      expect(rec.compensated).toEqual([]);
    } finally {
      await engine.stop();
      await link.nc.close();
      await callee.close();
    }
  });
});
