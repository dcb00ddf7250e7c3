import { expect, it } from "vitest";
import { orderScenarios } from "./support/order-scenarios.js";

// One process per service: the microservices deployment.
const { system } = orderScenarios("processes");

it("runs each service as a process of its own", () => {
  const pids = ["users", "inventory", "payments", "shipping", "orders", "order-views", "notifications"].map(
    (s) => system().system.pid(s),
  );
  expect(pids.every((pid) => typeof pid === "number" && pid > 0 && pid !== process.pid)).toBe(true);
  expect(new Set(pids).size).toBe(pids.length);
});
