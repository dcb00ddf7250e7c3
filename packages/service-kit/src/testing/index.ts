export {
  type CapturedLogs,
  captureLogs,
  startTestService,
  type TestService,
  type TestServiceOptions,
} from "./start-test-service.js";
