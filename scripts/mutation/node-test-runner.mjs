// A StrykerJS test runner for our node:test files that runs them inside Stryker's worker process.
//
// Why not the tap runner: it starts `node` with tsx for every test file of every mutant, about two
// seconds each on a shared machine, so ~2,700 mutants took hours. Here the worker registers tsx
// once, and a run re-requires the test file (and every project module, so module-level code sees
// the active mutant) against a small stand-in for node:test that collects the tests and runs them
// in order. Node's own runner cannot re-run a file in the same process.
//
// Coverage: each test is one Stryker test, so a mutant re-runs only the tests that reach it (with
// their file's hooks). Code run while a file loads or in its before/after hooks counts for the
// file's own id, which re-runs the whole file. A test that hangs fails after TEST_TIMEOUT_MS (its
// `after` hooks still stop what it started); code stuck in a loop is stopped by Stryker's hit
// limit or its timeout, which kills the worker and starts a new one.
import { createRequire } from "node:module";
import { resolve, sep } from "node:path";
import { performance } from "node:perf_hooks";
import { clearTimeout, setTimeout } from "node:timers";
import { commonTokens, declareClassPlugin, PluginKind, tokens } from "@stryker-mutator/api/plugin";
import {
  determineHitLimitReached,
  DryRunStatus,
  TestStatus,
  toMutantRunResult,
} from "@stryker-mutator/api/test-runner";

const NS = "__stryker__";
/** Per test unless it sets its own `timeout`; well under Stryker's timeoutMS (stryker.config.mjs). */
const TEST_TIMEOUT_MS = 10_000;

/** The part of node:test our unit tests use: describe/it/test, hooks, `{ timeout, skip }` options. */
function createHarness() {
  const suite = (name, parent) => ({
    name,
    parent,
    entries: [],
    before: [],
    after: [],
    beforeEach: [],
    afterEach: [],
  });
  const root = suite("", undefined);
  let current = root;
  const parse = (args) => {
    const name = typeof args[0] === "string" ? args.shift() : "<anonymous>";
    const options = typeof args[0] === "object" && args[0] !== null ? args.shift() : {};
    return { name, options, fn: args[0] };
  };
  const describe = (...args) => {
    const { name, options, fn } = parse(args);
    const child = suite(name, current);
    current.entries.push({ kind: "suite", suite: child, options });
    const parent = current;
    current = child;
    try {
      fn?.();
    } finally {
      current = parent;
    }
  };
  const test = (...args) => {
    const { name, options, fn } = parse(args);
    current.entries.push({ kind: "test", name, options, fn });
  };
  const hook = (kind) => (fn) => current[kind].push(fn);
  const api = {
    describe,
    suite: describe,
    it: test,
    test,
    before: hook("before"),
    after: hook("after"),
    beforeEach: hook("beforeEach"),
    afterEach: hook("afterEach"),
  };
  api.default = api.test;
  return { root, api };
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

const SEP = " :: ";
/** A test's Stryker id: its file and its suite path. The file's own id stands for loading and hooks. */
const testId = (file, path) => `${file}${SEP}${path.join(" > ")}`;

function hasSelected(s, file, path, selected) {
  return s.entries.some((e) =>
    e.kind === "suite"
      ? hasSelected(e.suite, file, [...path, e.suite.name], selected)
      : selected(testId(file, [...path, e.name])),
  );
}

/**
 * Runs the selected tests of a collected suite, each under its own coverage id, and pushes one
 * result per test; after a failure (with bail) the remaining tests are skipped, hooks still run.
 */
async function runSuite(s, path, run) {
  const { file, ns, selected, results, bail } = run;
  if (!hasSelected(s, file, path, selected)) return;
  const failed = () => results.some((r) => r.status === TestStatus.Failed);
  const hookFailure = (what, e) =>
    results.push({
      id: file,
      name: `${file}${SEP}${[...path, what].join(" > ")}`,
      fileName: file,
      timeSpentMs: 0,
      status: TestStatus.Failed,
      failureMessage: `${what}: ${e?.message ?? e}`,
    });
  const chain = (kind) => {
    const hooks = [];
    for (let x = s; x; x = x.parent) hooks.unshift(...x[kind]);
    return kind === "afterEach" ? hooks.reverse() : hooks;
  };
  try {
    for (const h of s.before) await h();
  } catch (e) {
    hookFailure("before", e);
  }
  for (const entry of s.entries) {
    if (failed() && bail) break;
    if (entry.options.skip || entry.options.todo) continue;
    if (entry.kind === "suite") {
      await runSuite(entry.suite, [...path, entry.suite.name], run);
      continue;
    }
    const id = testId(file, [...path, entry.name]);
    if (!selected(id)) continue;
    ns.currentTestId = id;
    const started = performance.now();
    let error;
    try {
      for (const h of chain("beforeEach")) await h();
      await withTimeout(
        Promise.resolve().then(() => entry.fn?.({ name: entry.name, diagnostic() {} })),
        entry.options.timeout ?? TEST_TIMEOUT_MS,
        entry.name,
      );
    } catch (e) {
      error = e;
    }
    try {
      for (const h of chain("afterEach")) await h();
    } catch (e) {
      error ??= e;
    }
    ns.currentTestId = file;
    const result = { id, name: id, fileName: file, timeSpentMs: Math.round(performance.now() - started) };
    results.push(
      error === undefined
        ? { ...result, status: TestStatus.Success }
        : { ...result, status: TestStatus.Failed, failureMessage: `${error?.message ?? error}` },
    );
  }
  for (const h of s.after) {
    try {
      await h();
    } catch (e) {
      hookFailure("after", e);
    }
  }
}

export class NodeTestRunner {
  static inject = tokens(commonTokens.options, commonTokens.logger);

  constructor(options, log) {
    this.log = log;
    this.testFiles = options.nodeTest?.testFiles ?? [];
    this.root = process.cwd();
  }

  capabilities() {
    // Every run re-requires the project's modules: module-level mutants need no new process.
    return { reloadEnvironment: true };
  }

  async init() {
    if (this.testFiles.length === 0) throw new Error("nodeTest.testFiles lists no test file");
    const require = createRequire(resolve(this.root, "package.json"));
    const { register } = require("tsx/cjs/api");
    register();
    const Module = require("node:module");
    const load = Module._load;
    Module._load = (request, ...rest) =>
      request === "node:test" || request === "test" ? this.harness.api : load.call(Module, request, ...rest);
    this.require = require;
    // A mutant can make code throw outside any awaited promise, possibly after its file finished:
    // keep the worker alive and do not count it (conservative: such a mutant may survive).
    process.on("unhandledRejection", (e) => this.log.debug(`unhandled rejection: ${e}`));
    process.on("uncaughtException", (e) => this.log.debug(`uncaught exception: ${e}`));
  }

  /** Forgets every project module (not node_modules), so the next require evaluates them again. */
  forgetProjectModules() {
    const nm = `${sep}node_modules${sep}`;
    for (const key of Object.keys(this.require.cache)) {
      if (key.startsWith(this.root + sep) && !key.includes(nm)) delete this.require.cache[key];
    }
  }

  /**
   * Loads `file` afresh and runs its tests that `selected` picks. Loading and hooks count under the
   * file's own id: a mutant reached there re-runs the whole file.
   */
  async runFile(file, selected, bail, ns) {
    this.harness = createHarness();
    this.forgetProjectModules();
    ns.currentTestId = file;
    const started = performance.now();
    const results = [];
    try {
      this.require(resolve(this.root, file));
      await runSuite(this.harness.root, [], { file, ns, selected, results, bail });
    } catch (e) {
      results.push({
        id: file,
        status: TestStatus.Failed,
        failureMessage: `loading ${file}: ${e?.message ?? e}`,
      });
    }
    ns.currentTestId = undefined;
    if (!results.some((r) => r.id === file)) results.push({ id: file, status: TestStatus.Success });
    const fileTime = Math.round(performance.now() - started);
    return results.map((r) =>
      r.id === file
        ? { name: `${file} (loading and hooks)`, fileName: file, timeSpentMs: fileTime, ...r }
        : r,
    );
  }

  /** `filter`: Stryker test ids (a file's id selects all of it); undefined runs every file. */
  async run({ activeMutant, hitLimit, bail, filter }) {
    const ns = (globalThis[NS] ??= {});
    ns.activeMutant = activeMutant;
    ns.hitLimit = hitLimit;
    ns.hitCount = hitLimit === undefined ? undefined : 0;
    ns.mutantCoverage = { static: {}, perTest: {} };
    const byFile = new Map();
    for (const id of filter ?? this.testFiles) {
      const file = id.split(SEP)[0];
      if (!byFile.has(file)) byFile.set(file, new Set());
      byFile.get(file).add(id);
    }
    const tests = [];
    for (const [file, ids] of byFile) {
      const selected = filter === undefined || ids.has(file) ? () => true : (id) => ids.has(id);
      const results = await this.runFile(file, selected, bail, ns);
      tests.push(...results);
      const limit = determineHitLimitReached(ns.hitCount, ns.hitLimit);
      if (limit) return limit;
      if (bail && results.some((r) => r.status === TestStatus.Failed)) break;
    }
    return { status: DryRunStatus.Complete, tests, mutantCoverage: ns.mutantCoverage };
  }

  async dryRun(options) {
    return this.run({ bail: !options.disableBail, filter: options.testFiles });
  }

  async mutantRun(options) {
    return toMutantRunResult(
      await this.run({
        activeMutant: options.activeMutant.id,
        hitLimit: options.hitLimit,
        bail: !options.disableBail,
        filter: options.testFilter,
      }),
    );
  }
}

export const strykerPlugins = [declareClassPlugin(PluginKind.TestRunner, "node-test", NodeTestRunner)];

/** `nodeTest.testFiles` in stryker.config.mjs: the test files to run, relative to the project root. */
export const strykerValidationSchema = {
  $schema: "http://json-schema.org/draft-07/schema",
  title: "NodeTestRunnerOptions",
  type: "object",
  properties: {
    nodeTest: {
      type: "object",
      properties: { testFiles: { type: "array", items: { type: "string" } } },
      default: {},
    },
  },
};
