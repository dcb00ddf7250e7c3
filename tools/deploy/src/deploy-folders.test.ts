import { execFileSync } from "node:child_process";
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { isBuiltin } from "node:module";
import { join, relative } from "node:path";
import { inventory, orders, payments, STREAMS, shipping } from "@bazaar/contracts";
import { createTestClient, startTestService, type TestService } from "@bazaar/service-kit/testing";
import { freePort, runNatsCli, startTestNats, type TempDir, type TestNats, tempDir } from "@bazaar/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { deployCommand, slimShell } from "./commands.js";
import { buildServices, type DeployResult, deployService } from "./deploy-service.js";
import { baseServicesDir, k8sDir } from "./generated-files.js";
import { inspectDeployFolder } from "./inspect-folder.js";
import { parseManifests } from "./k8s/objects.js";
import { requestedPaths } from "./k8s/probes.js";
import { findRepoRoot, findService, listServices } from "./repo.js";
import { run } from "./run.js";
import { betterSqlite3Dirs, slimDeployFolder } from "./slim-folder.js";
import { type FolderProcess, startFolder, waitForStatus } from "./test-support/start-folder.js";

const root = findRepoRoot();
const services = listServices(root);
const folders = new Map<string, DeployResult | Error>();
let out: TempDir;
let buildOutput = "";

// One build for every service (turbo skips what is already built), then the deploy folders, a few at a
// time (pnpm deploy mostly waits on the disk).
beforeAll(async () => {
  out = tempDir("bazaar-deploy-");
  const build = await buildServices(services.map((s) => s.name));
  buildOutput = build.ok ? "" : build.output;
  const queue = [...services];
  const worker = async (): Promise<void> => {
    for (let service = queue.shift(); service; service = queue.shift()) {
      const outDir = join(out.path, service.name);
      const result = await deployService({ name: service.name, outDir, build: false }).catch(
        (err: Error) => err,
      );
      folders.set(service.name, result);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
}, 300_000);

afterAll(() => out?.dispose());

function folder(name: string): DeployResult {
  const result = folders.get(name);
  if (!result) throw new Error(`no deploy folder for ${name}`);
  if (result instanceof Error) throw new Error(`${result.message}\n${buildOutput}`);
  return result;
}

/** A folder's environment, with the service's own broker user, as its manifests give it. */
function env(
  nats: TestNats,
  service: string,
  data: TempDir,
  extra: Record<string, string> = {},
): Record<string, string> {
  const user = nats.credentialsFor(service);
  if (!user) throw new Error(`the test broker has no user for ${service}`);
  return {
    NATS_URL: nats.url,
    NATS_USER: user.user,
    NATS_PASSWORD: user.password,
    DATA_DIR: data.path,
    PORT: "0",
    NODE_ENV: "test",
    LOG_FORMAT: "json",
    ...extra,
  };
}

/**
 * The streams of the running system, as a deployed service finds them: each is created by its publisher,
 * and a consumer is not ready until the streams it reads exist. Started alone, a service needs them made
 * for it (with the real nats CLI; the publishers' own settings are applied when they start).
 */
async function createStreams(nats: TestNats): Promise<void> {
  for (const stream of STREAMS) {
    const args = [
      "stream",
      "add",
      stream.name,
      "--subjects",
      stream.subjects.join(","),
      "--storage",
      "file",
      "--defaults",
    ];
    const result = await runNatsCli(args, { url: nats.url });
    if (result.code !== 0) throw new Error(`nats ${args.join(" ")}: ${result.stderr}`);
  }
}

/** better-sqlite3's addon in a deploy folder: the prebuilt one for this platform, or one compiled on purpose. */
const ADDON_FILE =
  /better-sqlite3\/(prebuilds\/(linux|linuxmusl|darwin|win32)-(x64|arm64)|build\/Release\/better_sqlite3)\.node$/;

describe.each(services)("the deploy folder of $name", (service) => {
  it("holds its compiled code, migrations and production dependencies, and nothing else", () => {
    const result = folder(service.name);
    expect(result.problems).toEqual([]);
    expect(result.code).toContain("dist/main.js");
    expect(result.dependencies).toContain("@bazaar/service-kit");
    expect(result.dependencies).not.toContain("typescript");
    expect(result.dependencies).not.toContain("@bazaar/testing");
    if (service.usesSqlite) {
      expect(result.migrations.length).toBeGreaterThan(0);
      // The one addon better-sqlite3 loads here: its prebuilt binary for this platform (13), or a compiled one.
      expect(result.nativeAddon).toMatch(ADDON_FILE);
    }
    // Compiled code only: the sources and tests stay in the workspace.
    expect(result.code.filter((f) => f.includes(".test."))).toEqual([]);
    expect(readdirSync(result.dir).sort()).not.toContain("src");
    // main.js is one bundle: no package is loaded module by module at start, only the native addon stays.
    const main = readFileSync(join(result.dir, "dist", "main.js"), "utf8");
    const imported = [...main.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    const packages = new Set(imported.filter((spec) => !isBuiltin(spec ?? "")));
    expect([...packages]).toEqual([expect.stringMatching(/^\.\.\/node_modules\/\.pnpm\/better-sqlite3@/)]);
  });

  it("starts alone with `npm start` and environment variables, and serves every path its manifests probe", async () => {
    const result = folder(service.name);
    await using nats = await startTestNats();
    await createStreams(nats);
    using data = tempDir(`bazaar-${service.name}-data-`);
    const metricsPort = await freePort();
    const proc = await startFolder(
      result.dir,
      service.name,
      env(nats, service.name, data, { METRICS_PORT: String(metricsPort) }),
    );
    try {
      await waitForStatus(`${proc.url}/health/ready`, 200);
      const manifests = parseManifests(readFileSync(join(baseServicesDir, `${service.name}.yaml`), "utf8"));
      const paths = requestedPaths(manifests, service.name);
      expect(paths.probes).toEqual(expect.arrayContaining(["/health/live", "/health/ready"]));
      for (const path of paths.probes) {
        const response = await fetch(`${proc.url}${path}`);
        expect(response.status, `${service.name} ${path}`).toBe(200);
      }
      // Prometheus scrapes a port of its own; the HTTP port (the gateway's is public) serves no metrics.
      expect(paths.scrape?.path).toBe("/metrics");
      const metrics = await fetch(`http://127.0.0.1:${metricsPort}${paths.scrape?.path}`);
      expect(metrics.status, `${service.name} metrics`).toBe(200);
      expect(await metrics.text()).toMatch(/^bazaar_/m);
      expect((await fetch(`${proc.url}/metrics`)).status).toBe(404);
      if (service.usesSqlite) expect(readdirSync(data.path)).toContain(`${service.name}.db`);
      // Files found from the bundle's own place: the gateway's API reference page and Swagger UI's assets.
      if (service.name === "gateway") {
        expect((await fetch(`${proc.url}/docs`)).status).toBe(200);
        expect((await fetch(`${proc.url}/docs/assets/swagger-ui.css`)).status).toBe(200);
      }
    } finally {
      await proc.stop();
    }
  });
});

describe("the users folder in production", () => {
  it("starts with NODE_ENV=production and the dev overlay's Secrets, which it checks at start-up", async () => {
    const overlay = join(k8sDir, "overlays", "dev");
    const kustomization = parse(readFileSync(join(overlay, "kustomization.yaml"), "utf8")) as {
      secretGenerator: Array<{ name: string; literals?: string[] }>;
    };
    const literals = new Map(
      kustomization.secretGenerator
        .flatMap((s) => s.literals ?? [])
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)] as const),
    );
    await using nats = await startTestNats();
    using data = tempDir("bazaar-users-prod-");
    const proc = await startFolder(folder("users").dir, "users", {
      ...env(nats, "users", data, { NODE_ENV: "production" }),
      JWT_PRIVATE_JWK: readFileSync(join(overlay, "secrets", "dev-only-jwt-private-jwk.json"), "utf8"),
      ADMIN_PASSWORD: literals.get("admin-password") ?? "",
      CUSTOMER_PASSWORD: literals.get("customer-password") ?? "",
    });
    try {
      await waitForStatus(`${proc.url}/health/ready`, 200);
    } finally {
      await proc.stop();
    }
  });
});

describe("an order placed with orders running from its deploy folder", () => {
  let nats: TestNats;
  let data: TempDir;
  let ordersProc: FolderProcess | undefined;
  const others: TestService[] = [];

  beforeAll(async () => {
    nats = await startTestNats();
    data = tempDir("bazaar-orders-data-");
    // The other services from the workspace, in this process, with their definitions.
    const [inv, pay, ship] = await Promise.all([
      import("@bazaar/inventory/service"),
      import("@bazaar/payments/service"),
      import("@bazaar/shipping/service"),
    ]);
    others.push(await startTestService(inv.service, { natsUrl: nats.url, env: { SEED: "true" } }));
    others.push(await startTestService(pay.service, { natsUrl: nats.url }));
    others.push(await startTestService(ship.service, { natsUrl: nats.url }));
    ordersProc = await startFolder(folder("orders").dir, "orders", env(nats, "orders", data));
  }, 120_000);

  afterAll(async () => {
    await ordersProc?.stop();
    await Promise.all(others.map((s) => s.stop()));
    await nats?.dispose();
    data?.dispose();
  });

  it("completes: reserved, charged, shipped, confirmed", async () => {
    const caller = await createTestClient(nats.url);
    try {
      const before = await caller.client.call(inventory.getProduct, { sku: "MUG-001" });
      const placed = await caller.client.call(orders.placeOrder, {
        userId: "u-deploy",
        items: [{ sku: "MUG-001", quantity: 2 }],
        shippingAddress: {
          name: "Ada",
          line1: "1 Deploy St",
          city: "London",
          postalCode: "N1",
          country: "GB",
        },
        paymentMethod: { token: "tok_visa" },
        idempotencyKey: "deploy-folder-order-1",
      });
      const deadline = Date.now() + 30_000;
      let order = await caller.client.call(orders.getOrder, { orderId: placed.orderId });
      while (order.status === "pending" && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        order = await caller.client.call(orders.getOrder, { orderId: placed.orderId });
      }
      expect(order.status, ordersProc?.output()).toBe("confirmed");
      const payment = await caller.client.call(payments.getPayment, { orderId: placed.orderId });
      expect(payment.status).toBe("completed");
      const shipment = await caller.client.call(shipping.getShipment, { orderId: placed.orderId });
      expect(shipment.orderId).toBe(placed.orderId);
      const after = await caller.client.call(inventory.getProduct, { sku: "MUG-001" });
      // Committed: the two mugs left the shelf.
      expect(after.onHand).toBe(before.onHand - 2);
      expect(after.reserved).toBe(before.reserved);
    } finally {
      await caller.close();
    }
  }, 60_000);
});

describe("the Dockerfiles' slim step", () => {
  it("leaves the same files as slimDeployFolder", async () => {
    using dirs = tempDir("bazaar-slim-");
    const shell = join(dirs.path, "shell");
    const library = join(dirs.path, "library");
    const [command, ...args] = deployCommand("@bazaar/shipping", shell);
    await run(command as string, args, { cwd: root });
    cpSync(shell, library, { recursive: true, verbatimSymlinks: true });
    execFileSync("sh", ["-c", slimShell(shell)]);
    slimDeployFolder(library);
    const list = (dir: string) =>
      // A folder holds tens of thousands of paths: more than execFileSync's default 1 MiB of output.
      execFileSync("find", [dir], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 })
        .split("\n")
        .map((p) => relative(dir, p))
        .sort();
    const files = list(library);
    expect(files.filter((f) => ADDON_FILE.test(f))).toHaveLength(1);
    expect(files.some((f) => /better-sqlite3\/(deps|src)\b/.test(f))).toBe(false);
    // Only this platform's binary is left of the prebuilt ones.
    expect(files.filter((f) => /better-sqlite3\/prebuilds\/.+\.node$/.test(f)).length).toBeLessThanOrEqual(1);
    expect(list(shell)).toEqual(files);
  }, 60_000);
});

describe("inspectDeployFolder", () => {
  it("refuses a folder without migrations, native addon or a workspace package's dist, or with sources, tests or unused code", () => {
    using copy = tempDir("bazaar-broken-");
    const dir = join(copy.path, "users");
    cpSync(folder("users").dir, dir, { recursive: true, verbatimSymlinks: true });
    const users = findService("users", root);
    expect(inspectDeployFolder(dir, users).problems).toEqual([]);
    rmSync(join(dir, "drizzle"), { recursive: true });
    for (const pkg of betterSqlite3Dirs(dir))
      for (const addon of ["build", "prebuilds"]) rmSync(join(pkg, addon), { recursive: true, force: true });
    const kit = join(dir, "node_modules", "@bazaar", "service-kit");
    rmSync(join(kit, "dist"), { recursive: true });
    writeFileSync(join(dir, "dist", "main.test.js"), "");
    writeFileSync(join(dir, "dist", "seed.ts"), "");
    writeFileSync(join(dir, "dist", "fixture.js"), "export const fixture = 1;\n");
    // One line per entry point the kit exports (read from its package.json, which grows with the kit).
    const kitExports = Object.values(
      (
        JSON.parse(readFileSync(join(kit, "package.json"), "utf8")) as {
          exports: Record<string, { default: string }>;
        }
      ).exports,
    ).map((e) => `@bazaar/service-kit lacks ${e.default}: build it first and list "dist" in its "files"`);
    expect([...inspectDeployFolder(dir, users).problems].sort()).toEqual([
      ...kitExports.sort(),
      "TypeScript source shipped: dist/seed.ts",
      "dist/fixture.js is shipped but nothing imports it: exclude it from tsconfig.build.json",
      "no better-sqlite3 native addon for this platform (prebuilds/<platform>.node or build/Release)",
      "no drizzle/*.sql migrations",
      'no drizzle/meta/_journal.json: list "drizzle" in the service\'s "files"',
      "test shipped: dist/main.test.js",
    ]);
  });
});

describe("deployService", () => {
  it("never deletes a folder that is not an earlier deploy of the same service", async () => {
    using target = tempDir("bazaar-not-a-deploy-");
    writeFileSync(target.file("keep.txt"), "mine");
    await expect(deployService({ name: "shipping", outDir: target.path, build: false })).rejects.toThrow(
      /is not empty and is not a deploy folder of @bazaar\/shipping/,
    );
    expect(existsSync(target.file("keep.txt"))).toBe(true);
  });
});
