import { fileURLToPath } from "node:url";

/** Where the generated document is kept in the repository. */
export const DOCUMENT_PATH = fileURLToPath(new URL("../../../docs/asyncapi.json", import.meta.url));

export const documentText = (doc: unknown): string => `${JSON.stringify(doc, null, 2)}\n`;
