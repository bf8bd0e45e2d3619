/**
 * The dynamic providers as the engine runs them (components/common/dynamicProvider.ts): the
 * `__provider` text the Route and the fleet swap gate register under Pulumi's mock runtime is
 * evaluated the way the engine's dynamic-provider host evaluates state (require-from-string, then
 * `handler()`), in a plain Node process (no tsx preloaded), started in a copy of the tree at another
 * path. A Route created from this checkout is refreshed and deleted from the copy, against a real
 * etcd, and the copy loads its own code, never this checkout's.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { Route } from "../../components/apps/route/route";
import { create, type RouteInputs } from "../../components/apps/route/operations";
import { FleetSwapGate } from "../../components/edge/swapGate";
import { routeKey } from "../../model/etcd/schema";
import { startEtcdCluster, type EtcdCluster } from "../../hosts/testbed";
import { ROOT } from "../helpers/plan";

const providers = new Map<string, string>();

/** Runs `calls` against the provider in `text` from `cwd`, as the engine's provider host would. */
function runProvider(cwd: string, text: string, calls: string): { result: unknown; loaded: string[] } {
  const script = `
    const provider = require("require-from-string")(process.env.PROVIDER).handler();
    (async () => { ${calls} })().then(
      (result) => console.log(JSON.stringify({ result, loaded: Object.keys(require.cache) })),
      (e) => { console.error(e); process.exit(1); });`;
  const child = spawnSync(process.execPath, ["-e", script], {
    cwd,
    encoding: "utf8",
    env: { ...process.env, PROVIDER: text, NODE_OPTIONS: "" },
    timeout: 60_000,
  });
  assert.equal(child.status, 0, child.stderr);
  return JSON.parse(child.stdout) as { result: unknown; loaded: string[] };
}

describe("dynamic providers run from state, at another path", () => {
  let etcd: EtcdCluster;
  let moved: string;
  const inputs = (endpoints: string[]): RouteInputs => ({
    host: "moved.example.com",
    app: "moved",
    live: "blue",
    backends: {
      blue: { port: 8080, healthCheckPath: "/healthz" },
      green: { port: 8080, healthCheckPath: "/healthz" },
    },
    minHealthy: 1,
    etcd: { endpoints },
    gate: { healthTimeoutMs: 5000, verifyTimeoutMs: 5000, pollMs: 100, smokeCheckUrls: [] },
  });

  before(async () => {
    process.chdir(ROOT); // the engine runs the program in the project directory
    await pulumi.runtime.setMocks(
      {
        newResource: (args) => {
          providers.set(args.type, args.inputs.__provider as string);
          return { id: `${args.name}-id`, state: args.inputs };
        },
        call: (args) => args.inputs,
      },
      "switchyard",
      "test",
      false,
    );
    new Route("moved", { ...inputs(["http://127.0.0.1:2379"]), gate: {} });
    new FleetSwapGate("gate", {
      colour: "blue",
      targetGroupArn: "arn:tg/blue",
      minHealthy: 1,
      timeoutSeconds: 1,
      region: "eu-west-1",
    });
    await new Promise((r) => setTimeout(r, 100)); // registrations settle

    etcd = await startEtcdCluster({ members: 1 });
    moved = mkdtempSync(join(tmpdir(), "switchyard-moved-"));
    for (const dir of ["components", "model"]) cpSync(join(ROOT, dir), join(moved, dir), { recursive: true });
    for (const file of ["package.json", "tsconfig.json"]) cpSync(join(ROOT, file), join(moved, file));
    symlinkSync(join(ROOT, "node_modules"), join(moved, "node_modules"));
  });
  after(async () => {
    await etcd?.stop();
    if (moved) rmSync(moved, { recursive: true, force: true });
  });

  it("registers a loader that holds no absolute path, for both resources", () => {
    for (const type of [
      "pulumi-nodejs:dynamic/switchyard:Route",
      "pulumi-nodejs:dynamic/switchyard-edge:FleetSwapGate",
    ]) {
      const text = providers.get(type);
      assert.ok(text, `${type} registered no __provider`);
      assert.ok(!text.includes(ROOT), `${type}'s provider names ${ROOT}: ${text}`);
      assert.doesNotMatch(text, /"\//, "no absolute path at all");
    }
  });

  it("a Route created from this checkout is refreshed and deleted from a copy at another path", async () => {
    const created = await create(inputs(etcd.endpoints));
    const key = routeKey("moved.example.com");
    assert.equal(created.id, key);

    const { result, loaded } = runProvider(
      moved,
      providers.get("pulumi-nodejs:dynamic/switchyard:Route")!,
      `const olds = ${JSON.stringify(created.outs)};
       const refreshed = await provider.read(olds.key, olds);
       await provider.delete(olds.key, olds);
       const gone = await provider.read(olds.key, olds);
       return { refreshed, gone };`,
    );
    const { refreshed, gone } = result as {
      refreshed: { id: string; props: { live: string; modRevision: number } };
      gone: { id?: string };
    };
    assert.equal(refreshed.id, key);
    assert.equal(refreshed.props.live, "blue");
    assert.equal(refreshed.props.modRevision, created.outs.modRevision);
    assert.deepEqual(gone, {}, "read after delete reports the route gone");
    assert.equal((await etcd.client.get(key).exec()).kvs.length, 0, "the record is deleted in etcd");

    // The copy ran its own provider; of this checkout it loaded nothing but node_modules.
    const movedReal = realpathSync(moved);
    assert.ok(loaded.includes(join(movedReal, "components/apps/route/provider.ts")), loaded.join("\n"));
    const fromCheckout = loaded.filter(
      (f) => f.startsWith(`${ROOT}/`) && !f.startsWith(join(ROOT, "node_modules")),
    );
    assert.deepEqual(fromCheckout, []);
  });

  it("the swap gate's provider loads from the copy too", () => {
    const olds = { colour: "blue", targetGroupArn: "arn:tg/blue" };
    const { result, loaded } = runProvider(
      moved,
      providers.get("pulumi-nodejs:dynamic/switchyard-edge:FleetSwapGate")!,
      `return provider.diff("id", ${JSON.stringify(olds)}, { colour: "green", targetGroupArn: "arn:tg/green" });`,
    );
    assert.deepEqual(result, { changes: true });
    assert.ok(loaded.includes(join(realpathSync(moved), "components/edge/swapGateProvider.ts")));
  });
});
