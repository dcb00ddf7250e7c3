export { startConsole } from "@bazaar/console";
