import { orderScenarios } from "./support/order-scenarios.js";

// All services in one process: the modular monolith, same modules, same NATS traffic.
orderScenarios("monolith");
