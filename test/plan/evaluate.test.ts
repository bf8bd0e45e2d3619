import assert from "node:assert/strict";
import { describe, test } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { redact, SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { autoName } from "../../scripts/lib/mocks";
import { readStackConfig, MOCK_SECRET_VALUE } from "../../scripts/lib/stackConfig";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT, runPlan } from "../helpers/plan";

const secret = (value: unknown) => ({
  [pulumi.runtime.specialSigKey]: pulumi.runtime.specialSecretSig,
  value,
});

describe("offline plan machinery", () => {
  test("secrets are shown as a placeholder at any depth; dynamic provider code is dropped", () => {
    const out = redact({
      a: secret("hunter2"),
      b: [{ c: secret({ d: 1 }) }],
      __provider: "function () {...}",
      e: "plain",
    });
    assert.deepEqual(out, { a: SECRET_PLACEHOLDER, b: [{ c: SECRET_PLACEHOLDER }], e: "plain" });
  });

  test("stack config: project defaults overlaid by the stack file, objects as JSON, secure values secret", () => {
    const file = join(mkdtempSync(join(tmpdir(), "switchyard-cfg-")), "Pulumi.x.yaml");
    writeFileSync(
      file,
      "config:\n  aws:region: eu-west-1\n  switchyard:etcd:\n    members: 5\n  switchyard:owner:\n    secure: AAABAxyz\n",
    );
    const cfg = readStackConfig(ROOT, file);
    assert.equal(cfg.values["switchyard:etcd"], JSON.stringify({ members: 5 }));
    assert.equal(cfg.values["switchyard:environment"], "development", "Pulumi.yaml default applies");
    assert.equal(cfg.values["switchyard:owner"], MOCK_SECRET_VALUE);
    assert.deepEqual(cfg.secretKeys, ["switchyard:owner"]);
  });

  test("--json prints exactly one JSON document with stack, resources, outputs and summary", () => {
    const run = runPlan(["--stack", "prod"]);
    assert.equal(run.status, 0, run.stderr);
    const doc = JSON.parse(run.stdout);
    assert.equal(doc.stack, "prod");
    for (const key of ["resources", "outputs", "summary", "cost"]) assert.ok(key in doc, `missing ${key}`);
    assert.equal(doc.summary.total, doc.resources.length);
    const counted = Object.values(doc.summary.byType as Record<string, number>).reduce((a, b) => a + b, 0);
    assert.equal(counted, doc.resources.length);
    for (const r of doc.resources)
      for (const k of ["urn", "type", "name", "inputs"]) assert.ok(k in r, `${r.urn} lacks ${k}`);
    // Every resource but the stack hangs off a parent that is itself in the plan.
    const urns = new Set(doc.resources.map((r: { urn: string }) => r.urn));
    for (const r of doc.resources.filter((x: { type: string }) => x.type !== "pulumi:pulumi:Stack")) {
      assert.ok(urns.has(r.parent), `${r.urn} has unknown parent ${r.parent}`);
    }
  });

  test("auto-named resources get a provider-like name, so references to them are real strings", () => {
    assert.match(autoName("kubernetes:rbac.authorization.k8s.io/v1:Role", "r"), /^r-[0-9a-f]{8}$/);
    assert.match(autoName("aws:iam/role:Role", "r"), /^r-[0-9a-f]{7}$/);
    assert.equal(autoName("aws:iam/role:Role", "r"), autoName("aws:iam/role:Role", "r"), "deterministic");
    const resources = runPlan(["--stack", "prod"]).plan!.resources;
    const bindings = resources.filter(
      (r) => r.type.endsWith(":RoleBinding") || r.type.endsWith(":ClusterRoleBinding"),
    );
    assert.ok(bindings.length > 0);
    for (const b of bindings) {
      const roleRef = b.inputs.roleRef as { name?: unknown };
      const subjects = b.inputs.subjects as { name?: unknown }[];
      assert.match(String(roleRef.name), /^[a-z0-9-]+-[0-9a-f]{8}$/, `${b.urn} roleRef.name`);
      for (const s of subjects) assert.equal(typeof s.name, "string", `${b.urn} subject without a name`);
    }
  });

  test("the plan records each resource's aliases among its options", () => {
    const resources = runPlan(["--stack", "prod"]).plan!.resources;
    assert.ok(resources.every((r) => Array.isArray(r.options.aliases)));
  });
});
