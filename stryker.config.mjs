// Mutation testing (npm run test:mutation; see docs/testing.md). scripts/mutation/node-test-runner.mjs
// runs the test files inside Stryker's workers and records which files reach each mutant, so a
// mutant only re-runs the files that cover it.
//
// Keep the two lists in step with the source tree: `mutate` is where a wrong decision is costly,
// `testFiles` the fast in-process unit tests that cover it (no plan child process, no data plane:
// code run in a child process is invisible to Stryker's per-test coverage).
export const MUTATE = [
  "components/config/**/*.ts",
  "model/validators.ts",
  "model/cidr.ts",
  "components/network/subnets.ts",
  "policies/**/*.ts",
  "model/etcd/**/*.ts",
  "hosts/agent/desired.ts",
  "hosts/agent/plan.ts",
  "components/apps/route/gate.ts",
  "components/apps/route/operations.ts",
];

export const TEST_FILES = [
  "test/config.test.ts",
  "test/config/fields.test.ts",
  "test/config/roundtrip.test.ts",
  "test/config/areas.test.ts",
  "test/config/parse.test.ts",
  "test/network/cidr.test.ts",
  "test/policies/data.test.ts",
  "test/policies/hosts.test.ts",
  "test/policies/kubernetes.test.ts",
  "test/policies/network.test.ts",
  "test/policies/tagsAndEks.test.ts",
  "test/policies/catalogue.test.ts",
  "test/policies/lib/config.test.ts",
  "test/policies/lib/network.test.ts",
  "test/policies/lib/userData.test.ts",
  "test/policies/lib/values.test.ts",
  "test/policies/lib/tags.test.ts",
  "test/hosts/agent/schema.test.ts",
  "test/hosts/agent/plan.test.ts",
  "test/hosts/agent/desired.test.ts",
  "test/hosts/agent/etcdErrors.test.ts",
  "test/apps/gate.test.ts",
  "test/apps/operations.integration.test.ts",
  "test/apps/operationsEdgeCases.integration.test.ts",
];

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: "node-test",
  nodeTest: { testFiles: TEST_FILES },
  plugins: ["./scripts/mutation/node-test-runner.mjs"],
  mutate: MUTATE,
  coverageAnalysis: "perTest",
  incremental: true,
  incrementalFile: "reports/mutation/stryker-incremental.json",
  reporters: ["json", "html", "clear-text", "progress-append-only"],
  jsonReporter: { fileName: "reports/mutation/mutation.json" },
  htmlReporter: { fileName: "reports/mutation/mutation.html" },
  concurrency: 2,
  // Above the runner's per-test timeout (10 s), so a hung test fails there and stops its etcd.
  timeoutMS: 20000,
  tempDirName: ".stryker-tmp",
  cleanTempDir: true,
  ignorePatterns: ["dist", "reports", ".pulumi"],
  thresholds: { high: 90, low: 85, break: null },
};
