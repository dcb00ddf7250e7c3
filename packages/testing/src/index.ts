export { freePort, isPortFree } from "./free-port.js";
export { type NatsCliResult, runNatsCli } from "./nats-cli.js";
export {
  startTestNats,
  type TestNats,
  type TestNatsOptions,
  testBrokerCredentials,
} from "./nats-server.js";
export { type TempDir, tempDir, tempSqliteFile } from "./temp.js";
