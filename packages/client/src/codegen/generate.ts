// `pnpm client:generate`: writes src/generated/openapi.ts from a running gateway's /openapi.json (the
// gateway builds the document from its routes at start, with a live NATS runtime, so there is no cleaner
// source than asking it). The gateway is GATEWAY_URL, else `pnpm dev`'s gateway on its registry port.
import { writeFileSync } from "node:fs";
import { topology } from "@bazaar/topology";
import { fetchOpenApi, GENERATED_TYPES_FILE, renderTypes } from "./render-types.js";

const gateway =
  process.env.GATEWAY_URL ??
  `http://127.0.0.1:${process.env.GATEWAY_PORT ?? topology.services.find((s) => s.name === "gateway")?.port}`;

try {
  const text = await renderTypes(await fetchOpenApi(gateway));
  writeFileSync(GENERATED_TYPES_FILE, text);
  console.log(`wrote ${GENERATED_TYPES_FILE} from ${gateway}/openapi.json`);
} catch (err) {
  console.error(`could not generate the client's types: ${err instanceof Error ? err.message : String(err)}`);
  if (err instanceof TypeError && err.message === "fetch failed")
    console.error(`nothing answers at ${gateway}: start the system with \`pnpm dev\`, or set GATEWAY_URL`);
  process.exitCode = 1;
}
