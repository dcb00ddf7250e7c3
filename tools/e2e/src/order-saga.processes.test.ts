import { orderScenarios } from "./support/order-scenarios.js";

// One process per service: the microservices deployment.
orderScenarios("processes");
