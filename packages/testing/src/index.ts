export { type NatsCliResult, runNatsCli } from "./nats-cli.js";
export { startTestNats, type TestNats, type TestNatsOptions } from "./nats-server.js";
export { type TempDir, tempDir, tempSqliteFile } from "./temp.js";
