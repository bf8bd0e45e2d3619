/**
 * The import-direction rule (scripts/lint/layers.mjs) as `npm run lint` runs it: the repository's
 * own ESLint configuration lints files placed in each layer, and imports the wrong way fail.
 */
import assert from "node:assert/strict";
import { resolve } from "node:path";
import { describe, test } from "node:test";
import { ESLint } from "eslint";

const ROOT = resolve(__dirname, "../..");
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages ESLint reports for `code` as if it were the file at `path`. */
async function layerErrors(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(ROOT, path) });
  return result.messages.filter((m) => m.ruleId === "switchyard/layers").map((m) => m.message);
}

describe("import direction between layers", () => {
  const wrongWay: [string, string, RegExp][] = [
    [
      "components/edge/render/layout.ts",
      'import { Agent } from "../../../hosts/agent/agent";\nexport const a = Agent;\n',
      /^components may not import agent \(\.\.\/\.\.\/\.\.\/hosts\/agent\/agent\)/,
    ],
    [
      "hosts/registrar/members.ts",
      'import { colourPlan } from "../../components/apps/colourPlan";\nexport const c = colourPlan;\n',
      /^registrar may not import components/,
    ],
    [
      "hosts/agent/plan.ts",
      'export { labelSelector } from "../registrar/members";\n',
      /^agent may not import registrar/,
    ],
    [
      "hosts/registrar/kube.ts",
      'export type { Layout } from "../agent/haproxy/layout";\n',
      /^registrar may not import agent/,
    ],
    [
      "model/etcd/schema.ts",
      'const v = require("../../components/config/fields");\nexport default v;\n',
      /^model may not import components/,
    ],
    [
      "model/labels.ts",
      'export const load = () => import("../hosts/runtime/log");\n',
      /^model may not import host runtime/,
    ],
    [
      "policies/rules/eks.ts",
      'import type { Cluster } from "../../components/kubernetes";\nexport type C = Cluster;\n',
      /^policies may not import components/,
    ],
  ];
  for (const [path, code, expected] of wrongWay) {
    test(`${path}: ${code.split("\n")[0]}`, async () => {
      const errors = await layerErrors(path, code);
      assert.equal(errors.length, 1, `expected one layer error, got ${JSON.stringify(errors)}`);
      assert.match(errors[0], expected);
    });
  }

  test("imports the right way pass", async () => {
    const allowed: [string, string][] = [
      ["components/edge/render/layout.ts", 'export { haproxyPaths } from "../../../model/haproxy";\n'],
      ["hosts/registrar/members.ts", 'export { ROUTED_LABEL } from "../../model/labels";\n'],
      ["hosts/registrar/main.ts", 'export { createLogger } from "../runtime/log";\n'],
      ["hosts/agent/main.ts", 'export { Agent } from "./agent";\n'],
      ["index.ts", 'export { Network } from "./components/network";\n'],
      ["test/hosts/agent/plan.test.ts", 'export { decideRoutes } from "../../../hosts/agent/plan";\n'],
      ["scripts/demo.ts", 'export { Testbed } from "../hosts/testbed";\n'],
    ];
    for (const [path, code] of allowed) assert.deepEqual(await layerErrors(path, code), [], path);
  });
});
