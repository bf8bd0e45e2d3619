/**
 * The consumer package as an app team gets it: `npm pack` of components/contract (its prepack
 * compiles it), installed with npm into a scratch project under the OS temp directory (outside
 * this tree), offline: the team's own dependencies (@pulumi/*, and the package's cockatiel, etcd3, zod)
 * are linked from this repo's node_modules, so no registry is asked. Then: plain `node` loads it
 * (Pulumi's Node.js host requires dependencies as plain JavaScript), and both examples, compiled
 * the way Pulumi's TypeScript support compiles a project's own files, run against the installed
 * package under the plan mocks.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, test } from "node:test";
import ts from "typescript";
import { planExample, type Example } from "../helpers/examples";
import { ROOT } from "../helpers/plan";

const PACKAGE_DIR = join(ROOT, "components/contract");
const LINKED = ["@pulumi/pulumi", "@pulumi/kubernetes", "@pulumi/aws", "cockatiel", "etcd3", "zod"];
const scratch = mkdtempSync(join(tmpdir(), "switchyard-consumer-"));
let tarball = "";
let packed: string[] = [];

function run(cmd: string, args: string[], cwd: string): string {
  const child = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: 400_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  assert.equal(child.status, 0, `${cmd} ${args.join(" ")}:\n${child.stdout}\n${child.stderr}`);
  return child.stdout;
}

describe("the @switchyard/contract package, installed outside the tree", { timeout: 900_000 }, () => {
  before(() => {
    const out = JSON.parse(
      run("npm", ["pack", "--json", "--pack-destination", scratch, "--no-fund", "--no-audit"], PACKAGE_DIR),
    ) as { filename: string; files: { path: string }[] }[];
    tarball = join(scratch, out[0]!.filename);
    packed = out[0]!.files.map((f) => f.path);
    const project = join(scratch, "team");
    run("mkdir", ["-p", project], scratch);
    writeFileSync(
      join(project, "package.json"),
      JSON.stringify({
        name: "team-stack",
        private: true,
        dependencies: {
          "@switchyard/contract": `file:${tarball}`,
          ...Object.fromEntries(LINKED.map((name) => [name, `file:${join(ROOT, "node_modules", name)}`])),
        },
      }),
    );
    // The peers are the linked top-level packages; --legacy-peer-deps only skips npm's own peer
    // placement (which trips over linked peers in npm 11). npm 11 runs no unapproved install
    // script, so the @pulumi/kubernetes plugin download stays off.
    run("npm", ["install", "--offline", "--legacy-peer-deps", "--no-audit", "--no-fund"], project);
  });

  after(() => rmSync(scratch, { recursive: true, force: true }));

  test("the tarball ships compiled JavaScript with declarations, a LICENSE and no TypeScript sources", () => {
    assert.ok(
      !relative(ROOT, scratch)
        .split("/")
        .every((p) => p !== ".."),
      "scratch is outside the tree",
    );
    for (const file of ["LICENSE", "package.json", "README.md"]) assert.ok(packed.includes(file), file);
    for (const file of ["dist/components/contract/package.js", "dist/components/contract/package.d.ts"])
      assert.ok(packed.includes(file), file);
    assert.deepEqual(
      packed.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
      [],
    );
    assert.match(readFileSync(join(PACKAGE_DIR, "LICENSE"), "utf8"), /Apache License\s+Version 2\.0/);
  });

  test("plain node (no TypeScript loader) requires it from the team's project", () => {
    const project = join(scratch, "team");
    const probe = run(
      process.execPath,
      [
        "-e",
        `const c = require("@switchyard/contract");
         console.log(JSON.stringify({ path: require.resolve("@switchyard/contract"),
           exports: Object.keys(c).sort(), bgs: typeof c.BlueGreenService, keys: c.STACK_EXPORT_KEYS.length }));`,
      ],
      project,
    );
    const found = JSON.parse(probe) as { path: string; exports: string[]; bgs: string; keys: number };
    assert.equal(
      realpathSync(found.path),
      realpathSync(join(project, "node_modules/@switchyard/contract/dist/components/contract/package.js")),
    );
    for (const name of [
      "BlueGreenService",
      "requireStackExports",
      "etcdConnectionFromSecret",
      "STACK_EXPORTS",
      "isColour",
    ])
      assert.ok(found.exports.includes(name), `${name} exported`);
    assert.equal(found.bgs, "function");
    assert.ok(found.keys > 10);
  });

  test("the examples type-check against the installed declarations", () => {
    const project = join(scratch, "team");
    for (const example of ["consumer", "app-stack"] as Example[])
      writeFileSync(
        join(project, `${example}.ts`),
        readFileSync(join(ROOT, "examples", example, "index.ts"), "utf8"),
      );
    writeFileSync(
      join(project, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2022",
          module: "commonjs",
          moduleResolution: "node",
          esModuleInterop: true,
          skipLibCheck: true,
          noEmit: true,
          types: [],
          typeRoots: [join(ROOT, "node_modules/@types")],
        },
        files: ["consumer.ts", "app-stack.ts", join(ROOT, "node_modules/@types/node/index.d.ts")],
      }),
    );
    run(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", "tsconfig.json"], project);
  });

  for (const example of ["consumer", "app-stack"] as Example[]) {
    test(`examples/${example} compiled in the team's project plans against the installed package as in the repo`, () => {
      const project = join(scratch, "team");
      const source = readFileSync(join(ROOT, "examples", example, "index.ts"), "utf8");
      assert.match(source, /from "@switchyard\/contract"/, "the example imports the package, not ../../");
      assert.doesNotMatch(source, /from "\.\.\//);
      // What Pulumi's TypeScript support does with the project's own files: transpile, then require.
      const js = ts.transpileModule(source, {
        compilerOptions: {
          module: ts.ModuleKind.CommonJS,
          target: ts.ScriptTarget.ES2022,
          esModuleInterop: true,
        },
      }).outputText;
      const program = join(project, `${example}.js`);
      writeFileSync(program, js);
      const installed = planExample(example, program);
      const inRepo = planExample(example);
      const shape = (e: typeof installed) => e.resources.map((r) => `${r.type}::${r.name}`).sort();
      assert.deepEqual(shape(installed), shape(inRepo));
      assert.ok(installed.resources.length > 3);
      if (example === "app-stack")
        assert.ok(
          installed.resources.some((r) => r.type.endsWith(":Route")),
          "the Route's dynamic provider serialized",
        );
    });
  }
});
