import { readFileSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";
import { kitEnv } from "./kit-config.js";

it("the README's variable table names every variable the kit reads", () => {
  const readme = readFileSync(join(import.meta.dirname, "..", "..", "README.md"), "utf8");
  const section = readme.slice(readme.indexOf("## Environment"), readme.indexOf("### Durability"));
  // Each row's first cell: one or more `NAME`s.
  const documented = new Set(
    section
      .split("\n")
      .filter((line) => line.startsWith("| `"))
      .flatMap((line) => [...(line.split("|")[1] ?? "").matchAll(/`([A-Z][A-Z0-9_]*)`/g)].map((m) => m[1])),
  );
  expect(Object.keys(kitEnv).filter((name) => !documented.has(name))).toEqual([]);
});
