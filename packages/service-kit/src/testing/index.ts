export { readEvents } from "./read-events.js";
export {
  type CapturedLogs,
  captureLogs,
  startTestService,
  type TestService,
  type TestServiceOptions,
} from "./start-test-service.js";
export { createTestClient, type TestClient } from "./test-client.js";
export { type ServiceUnderTest, useTestService } from "./use-test-service.js";
