export {
  type ConsoleServer,
  type ConsoleServerOptions,
  createConsoleApp,
  startConsole,
} from "./console-server.js";
