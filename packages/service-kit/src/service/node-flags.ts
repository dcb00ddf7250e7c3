/**
 * The flags a service's `node` runs with in production (`npm start`, the images, the harnesses).
 *
 * Node 24 sizes the young generation from the machine's memory: with 24 GB it let each semi-space grow
 * to 64 MB while the modules loaded, and kept it, so every idle service held about 230 MB. At 16 MB
 * (the size older Nodes used) an idle service holds about 150 MB (measured with `pnpm bench`'s
 * footprint, see docs/benchmarks.md).
 */
export const SERVICE_NODE_FLAGS: readonly string[] = ["--max-semi-space-size=16"];

/** What `npm start` runs in a service's deploy folder. */
export const SERVICE_START_COMMAND = ["node", ...SERVICE_NODE_FLAGS, "dist/main.js"].join(" ");
