import { writeFileSync } from "node:fs";
import { buildAsyncApi } from "./build-asyncapi.js";
import { DOCUMENT_PATH, documentText } from "./document.js";
import { fixtureExamples } from "./fixtures.js";

// `pnpm asyncapi` writes the document the gateway serves at /asyncapi.json; a test fails when it drifts.
writeFileSync(DOCUMENT_PATH, documentText(buildAsyncApi({ version: "1.0.0", examples: fixtureExamples() })));
process.stdout.write(`wrote ${DOCUMENT_PATH}\n`);
