/**
 * hosts/build.mjs's content-hash cache: a bundle is rebuilt exactly when a file it is made of (or
 * its output) changed, and only that bundle. Runs the real script (esbuild) in a copy of the
 * tree's host programs, so the edits never touch this checkout.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { after, before, describe, test } from "node:test";

const ROOT = resolve(__dirname, "../..");
const AGENT = "dist/agent/switchyard-agent.js";
const REGISTRAR = "dist/registrar/switchyard-registrar.js";
// Graylog's configurator imports neither the agent nor model/ports.ts: it stays cached below.
const CONFIGURATOR = "dist/graylog-configurator/graylog-configurator.js";

describe("host bundle cache (hosts/build.mjs)", () => {
  let tree: string;
  const build = (): Record<string, string> =>
    JSON.parse(
      execFileSync(process.execPath, [join(tree, "hosts/build.mjs"), "--cache-dir", join(tree, ".cache")], {
        cwd: tree,
        encoding: "utf8",
        timeout: 120_000,
      }).trim(),
    ) as Record<string, string>;
  const read = (path: string) => readFileSync(join(tree, path), "utf8");
  const edit = (path: string, from: string, to: string) => {
    const text = read(path);
    assert.ok(text.includes(from), `${path} no longer contains ${from}`);
    writeFileSync(join(tree, path), text.replace(from, to));
  };

  before(() => {
    tree = mkdtempSync(join(tmpdir(), "switchyard-build-"));
    for (const dir of ["hosts", "model"]) cpSync(join(ROOT, dir), join(tree, dir), { recursive: true });
    for (const file of ["package.json", "tsconfig.json"]) cpSync(join(ROOT, file), join(tree, file));
    symlinkSync(join(ROOT, "node_modules"), join(tree, "node_modules"));
  });
  after(() => rmSync(tree, { recursive: true, force: true }));

  test("builds once, then reuses every bundle while nothing changed", () => {
    assert.deepEqual(build(), { [AGENT]: "built", [REGISTRAR]: "built", [CONFIGURATOR]: "built" });
    const agent = read(AGENT);
    assert.deepEqual(build(), { [AGENT]: "cached", [REGISTRAR]: "cached", [CONFIGURATOR]: "cached" });
    assert.equal(read(AGENT), agent);
  });

  test("a change to an agent source rebuilds the agent only, with the change in it", () => {
    edit("hosts/agent/config.ts", "Usage: switchyard-agent [", "Usage: switchyard-agent (edited) [");
    assert.deepEqual(build(), { [AGENT]: "built", [REGISTRAR]: "cached", [CONFIGURATOR]: "cached" });
    assert.match(read(AGENT), /Usage: switchyard-agent \(edited\)/);
    assert.deepEqual(build(), { [AGENT]: "cached", [REGISTRAR]: "cached", [CONFIGURATOR]: "cached" });
  });

  test("a change to the shared model rebuilds both", () => {
    edit("model/ports.ts", "AGENT_STATUS_PORT = 9180", "AGENT_STATUS_PORT = 9188");
    assert.deepEqual(build(), { [AGENT]: "built", [REGISTRAR]: "built", [CONFIGURATOR]: "cached" });
  });

  test("an output changed or removed in dist/ is rebuilt", () => {
    writeFileSync(join(tree, AGENT), "tampered");
    rmSync(join(tree, `${REGISTRAR}.gz`));
    assert.deepEqual(build(), { [AGENT]: "built", [REGISTRAR]: "built", [CONFIGURATOR]: "cached" });
    assert.match(read(AGENT), /Usage: switchyard-agent/);
  });
});
