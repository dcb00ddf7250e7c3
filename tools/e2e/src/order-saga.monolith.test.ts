import { expect, it } from "vitest";
import { orderScenarios } from "./support/order-scenarios.js";

// All services in one process: the modular monolith, same modules, same NATS traffic.
const { system } = orderScenarios("monolith");

it("runs every service inside this process", () => {
  expect(system().system.mode).toBe("monolith");
  expect(["users", "orders", "order-views"].map((s) => system().system.pid(s))).toEqual([
    undefined,
    undefined,
    undefined,
  ]);
});
