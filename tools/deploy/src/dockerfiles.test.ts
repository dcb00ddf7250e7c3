import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { SERVICE_START_COMMAND } from "@bazaar/service-kit/platform";
import { tempDir } from "@bazaar/testing";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { buildCommand, deployCommand, slimShell } from "./commands.js";
import { healthcheckScript, NODE_IMAGE } from "./docker/dockerfile.js";
import { allGeneratedFiles, dockerDir, outOfDate, strayFiles } from "./generated-files.js";
import { DATA_DIR, HTTP_PORT, METRICS_PORT } from "./k8s/settings.js";
import { findRepoRoot, listServices, readPackageJson } from "./repo.js";
import { run } from "./run.js";

const root = findRepoRoot();
const services = listServices(root);

interface Stage {
  readonly from: string;
  readonly name: string | undefined;
  readonly lines: string[];
}

/** Splits a Dockerfile into its stages, joining continued lines and dropping comments. */
function stages(text: string): Stage[] {
  const lines = text
    .replaceAll("\\\n", " ")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));
  const result: Stage[] = [];
  for (const line of lines) {
    const from = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(line);
    if (from) result.push({ from: from[1] as string, name: from[2], lines: [] });
    else result.at(-1)?.lines.push(line);
  }
  return result;
}

describe("generated files", () => {
  it("are in step with their generator and the declarations (run `pnpm broker:config`)", async () => {
    const files = await allGeneratedFiles(root);
    expect(outOfDate(files)).toEqual([]);
    expect(strayFiles(files)).toEqual([]);
  });
});

describe.each(services)("the Dockerfile of $name", (service) => {
  const text = readFileSync(join(dockerDir, `${service.name}.Dockerfile`), "utf8");
  const [prune, build, runtime] = stages(text);

  it("builds on node:24-bookworm-slim in three stages", () => {
    expect(text).toContain(`ARG NODE_IMAGE=${NODE_IMAGE}`);
    expect(NODE_IMAGE).toBe("node:24-bookworm-slim");
    expect(stages(text).map((s) => s.from)).toEqual(["$NODE_IMAGE", "$NODE_IMAGE", "$NODE_IMAGE"]);
  });

  it("prunes the repo to the service with turbo, then builds the deploy folder as deployService does", () => {
    expect(prune?.lines).toContain(`RUN turbo prune ${service.packageName} --docker`);
    // better-sqlite3's addon is prebuilt: the build stage installs no compiler.
    expect(build?.lines.join("\n")).not.toMatch(/apt-get|g\+\+|python3/);
    expect(build?.lines).toEqual(
      expect.arrayContaining([
        "COPY --from=prune /repo/out/json/ .",
        "COPY --from=prune /repo/out/full/ .",
        `RUN ${buildCommand(service.packageName).join(" ")}`,
        `RUN ${deployCommand(service.packageName, "/app").join(" ")}`,
        `RUN ${slimShell("/app")}`,
      ]),
    );
    const install = build?.lines.findIndex((l) => l.endsWith("pnpm install --frozen-lockfile")) ?? -1;
    const sources = build?.lines.indexOf("COPY --from=prune /repo/out/full/ .") ?? -1;
    // Manifests first: the install layer is reused until a package.json or the lockfile changes.
    expect(install).toBeGreaterThan(-1);
    expect(install).toBeLessThan(sources);
  });

  it("runs the folder as the non-root node user, with a liveness health check", () => {
    const lines = runtime?.lines ?? [];
    expect(lines).toContain("COPY --from=build /app ./");
    expect(lines).toContain("USER node");
    expect(lines.indexOf("USER node")).toBeGreaterThan(lines.indexOf("COPY --from=build /app ./"));
    const healthcheck = lines.find((l) => l.startsWith("HEALTHCHECK")) ?? "";
    expect(healthcheck).toContain(JSON.stringify(healthcheckScript()));
    expect(healthcheck).toContain("/health/live");
    expect(healthcheck).not.toContain("/health/ready");
    expect(lines).toContain(`EXPOSE ${HTTP_PORT} ${METRICS_PORT}`);
    const env = lines.find((l) => l.startsWith("ENV")) ?? "";
    expect(env).toContain(`PORT=${HTTP_PORT}`);
    expect(env).toContain("NODE_ENV=production");
    expect(env).toContain("HOST=0.0.0.0");
    if (service.usesSqlite) {
      expect(env).toContain(`DATA_DIR=${DATA_DIR}`);
      expect(lines).toContain(`VOLUME ${DATA_DIR}`);
    }
  });

  it("starts what `npm start` starts in the folder", () => {
    const start = readPackageJson(service.dir).scripts?.start ?? "";
    expect(start).toBe(SERVICE_START_COMMAND);
    expect(runtime?.lines.at(-1)).toBe(`CMD ${JSON.stringify(start.split(" "))}`.replaceAll(",", ", "));
  });
});

describe("turbo prune --docker", () => {
  it("gives each Dockerfile what it copies: manifests, lockfile, patches, the service's sources and files", async () => {
    using out = tempDir("bazaar-prune-");
    for (const service of services) {
      const dir = join(out.path, service.name);
      await run("pnpm", ["exec", "turbo", "prune", service.packageName, "--docker", "--out-dir", dir], {
        cwd: root,
      });
      const json = join(dir, "json");
      const full = join(dir, "full");
      for (const file of ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"]) {
        expect(existsSync(join(json, file)), `${service.name}: json/${file}`).toBe(true);
      }
      const workspace = parse(readFileSync(join(json, "pnpm-workspace.yaml"), "utf8")) as {
        patchedDependencies?: Record<string, string>;
      };
      for (const patch of Object.values(workspace.patchedDependencies ?? {})) {
        expect(existsSync(join(json, patch)), `${service.name}: ${patch}`).toBe(true);
      }
      const serviceDir = join(full, "services", service.name);
      expect(existsSync(join(serviceDir, "src", "main.ts")), `${service.name}: sources`).toBe(true);
      // Runtime folders other than the built dist must come from the sources (drizzle, public).
      for (const entry of readPackageJson(service.dir).files ?? []) {
        if (entry !== "dist")
          expect(existsSync(join(serviceDir, entry)), `${service.name}: ${entry}`).toBe(true);
      }
    }
  }, 60_000);
});

describe(".dockerignore", () => {
  const ignored = readFileSync(join(root, ".dockerignore"), "utf8")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith("#"));

  it("keeps installed and built output, local data, secrets and git history out of the build context", () => {
    expect(ignored).toEqual(
      expect.arrayContaining(["**/node_modules", "**/dist", "**/.turbo", ".git", ".bin", ".data", "**/.env"]),
    );
  });

  it("keeps in what turbo prune and pnpm install need", () => {
    const needed = [
      "pnpm-lock.yaml",
      "pnpm-workspace.yaml",
      "package.json",
      "turbo.json",
      "patches",
      "services",
      "packages",
    ];
    for (const path of needed) {
      expect(ignored.filter((pattern) => pattern === path || pattern.startsWith(`${path}/`))).toEqual([]);
    }
  });
});
