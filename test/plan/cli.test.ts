import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parseFlags, renderUsage, UsageError, type Command, type FlagSpecs } from "../../scripts/lib/cli";
import { resolveStack } from "../../scripts/lib/stackConfig";
import { ROOT } from "../helpers/plan";

const command = {
  invocation: "tool",
  flags: {
    stack: { type: "string", value: "name", description: "the stack", default: "prod" },
    json: { type: "boolean", description: "JSON out" },
  },
} as const satisfies Command<FlagSpecs>;

const dir = mkdtempSync(join(tmpdir(), "switchyard-cli-"));

function usageError(argv: string[]): string {
  try {
    parseFlags(command, argv);
  } catch (e) {
    assert.ok(e instanceof UsageError, `expected a UsageError, got ${e}`);
    return e.message;
  }
  assert.fail(`${argv.join(" ")} parsed`);
}

describe("command-line parsing (scripts/lib/cli)", () => {
  test("declared flags parse, with defaults", () => {
    assert.deepEqual(parseFlags(command, []), { help: false, stack: "prod", json: undefined });
    assert.deepEqual(parseFlags(command, ["--stack=qa", "--json"]), { help: false, stack: "qa", json: true });
  });

  test("mistakes name themselves and what was expected", () => {
    assert.equal(usageError(["--stak", "x"]), "unknown flag --stak (did you mean --stack?)");
    assert.equal(usageError(["--verbose"]), "unknown flag --verbose");
    assert.equal(usageError(["--stack"]), "--stack expects a value: --stack <name>");
    assert.equal(usageError(["--json=yes"]), '--json takes no value, got "yes"');
    assert.equal(usageError(["prod"]), 'unexpected argument "prod" (flags start with --)');
  });

  test("the usage lists every flag with its value and default", () => {
    const usage = renderUsage(command);
    assert.match(usage, /^usage: tool \[--stack <name>\] \[--json\] \[--help\]/);
    assert.match(usage, /--stack <name> +the stack \(default prod\)/);
  });
});

describe("which stack a plan command line names", () => {
  const file = join(dir, "Pulumi.qa.yaml");
  writeFileSync(file, "config: {}\n");

  test("--stack-file names the stack from Pulumi.<name>.yaml unless --stack is given", () => {
    assert.deepEqual(resolveStack(ROOT, { "stack-file": file }), { stack: "qa", stackFile: file });
    assert.equal(resolveStack(ROOT, { "stack-file": file, stack: "prod" }).stack, "prod");
    assert.equal(resolveStack(ROOT, {}).stack, "prod");
  });

  test("an unknown stack lists the known ones; an unnamed file asks for --stack", () => {
    assert.throws(
      () => resolveStack(ROOT, { stack: "nope" }),
      (e: Error) =>
        e instanceof UsageError && /unknown stack "nope" \(expected one of prod, staging/.test(e.message),
    );
    const odd = join(dir, "stack.yaml");
    writeFileSync(odd, "config: {}\n");
    assert.throws(() => resolveStack(ROOT, { "stack-file": odd }), /or pass --stack <name>/);
    assert.throws(() => resolveStack(ROOT, { "stack-file": join(dir, "none.yaml") }), /no such stack file/);
  });
});

describe("npm run plan: a user mistake is one line and the usage", () => {
  for (const args of [
    ["--stack", "nope"],
    ["--stak", "prod"],
  ]) {
    test(`npm run plan -- ${args.join(" ")}`, () => {
      const run = spawnSync("npm", ["run", "plan", "--", ...args], { cwd: ROOT, encoding: "utf8" });
      assert.equal(run.status, 1);
      // Our part of stderr ends where npm's own lifecycle report begins.
      const ours = run.stderr.split(/\nnpm (error|ERR!)/)[0]!;
      const [first, blank, usage] = ours.split("\n");
      assert.match(first!, /^error: (unknown stack "nope"|unknown flag --stak \(did you mean --stack\?\))/);
      assert.equal(blank, "");
      assert.match(usage!, /^usage: npm run plan -- /);
      assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
      assert.doesNotMatch(run.stdout, /error:/, "errors go to stderr");
    });
  }

  test("--json with a bad config prints one JSON document with every error, cross-area ones included", () => {
    const file = join(dir, "Pulumi.bad.yaml");
    writeFileSync(
      file,
      [
        "config:",
        "  aws:region: eu-wast-1",
        "  switchyard:etcd: { members: 4 }",
        "  switchyard:network: { cidr: 172.20.0.0/16 }",
        "  switchyard:apps:",
        "    Bad_Name: { host: a.example.com, live: blue, blue: { image: 'a:1' }, green: { image: 'a:1' } }",
        "",
      ].join("\n"),
    );
    const run = spawnSync("npm", ["run", "-s", "plan", "--", "--json", "--stack-file", file], {
      cwd: ROOT,
      encoding: "utf8",
    });
    assert.equal(run.status, 1);
    const doc = JSON.parse(run.stdout) as { errors: { path: string; message: string }[] };
    assert.deepEqual(
      doc.errors.map((e) => e.path).sort(),
      [
        "aws:region",
        "switchyard:apps.Bad_Name",
        "switchyard:apps.Bad_Name.resources",
        "switchyard:etcd.members",
        "switchyard:kubernetes.serviceCidr",
      ].sort(),
    );
    for (const e of doc.errors) assert.ok(e.message.length > 0 && typeof e.path === "string");
  });
});
