/**
 * The Route's provider as Pulumi ships it: serialized by the closure serializer and evaluated in a
 * plain Node process (no tsx preloaded), as the engine's dynamic-provider host does.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { routeProvider } from "../../components/apps/route/provider";
import { ROOT } from "../helpers/plan";

describe("Route provider serialization", () => {
  it("serializes to a small closure that captures only the implementation's path", async () => {
    const fn = await pulumi.runtime.serializeFunction(() => routeProvider, { isFactoryFunction: true });
    assert.ok(fn.text.length < 10_000, `closure is ${fn.text.length} characters`);
    assert.match(fn.text, /components\/apps\/route\/operations\.ts/);
    assert.doesNotMatch(fn.text, /zod|etcd3\b/, "libraries are loaded at run time, not captured");
  });

  it("runs in a plain Node process and diffs a flip as an in-place update", async () => {
    const fn = await pulumi.runtime.serializeFunction(() => routeProvider, { isFactoryFunction: true });
    const olds = {
      host: "a.example.com",
      app: "a",
      live: "blue",
      key: "/switchyard/v1/routes/a.example.com",
    };
    const news = { host: "a.example.com", app: "a", live: "green" };
    const script = `
      const m = { exports: {} };
      new Function("module", "exports", "require", process.env.CLOSURE)(m, m.exports, require);
      m.exports.${fn.exportName}.diff("id", ${JSON.stringify(olds)}, ${JSON.stringify(news)})
        .then((d) => console.log(JSON.stringify(d)), (e) => { console.error(e); process.exit(1); });`;
    const child = spawnSync(process.execPath, ["-e", script], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, CLOSURE: fn.text, NODE_OPTIONS: "" },
      timeout: 60_000,
    });
    assert.equal(child.status, 0, child.stderr);
    assert.deepEqual(JSON.parse(child.stdout), {
      changes: true,
      replaces: [],
      detailedDiff: { live: { kind: "update", inputDiff: true } },
    });
  });
});
