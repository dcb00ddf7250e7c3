import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { Lifecycle } from "./lifecycle.js";

describe("Lifecycle", () => {
  it("stops phases last started first, once, and goes on past a failing stop", async () => {
    const life = new Lifecycle(pino({ level: "silent" }));
    const order: string[] = [];
    life.onStop("store", () => order.push("store"));
    life.onStop("broker", async () => {
      order.push("broker");
      throw new Error("drain failed");
    });
    life.onStop("rpc", () => order.push("rpc"));
    await Promise.all([life.stop(), life.stop()]);
    await life.stop();
    expect(order).toEqual(["rpc", "broker", "store"]);
  });
});
