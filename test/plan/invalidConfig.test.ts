/**
 * `npm run plan` with configuration it must refuse: one clear error and nothing planned. Kept apart
 * from test/config.test.ts (the schema in-process) because each case plans in a child process.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { runPlan, planVariant } from "../helpers/plan";

describe("npm run plan with invalid configuration", () => {
  test("exits 1 naming every problem, before any resource is declared", () => {
    const run = planVariant("prod", (config) => {
      config["switchyard:etcd"] = { members: 4 };
      config["switchyard:netwrok"] = { cidr: "10.0.0.0/16" };
    });
    assert.equal(run.status, 1);
    // With --json the problems are the one document on stdout, each with its path.
    const doc = JSON.parse(run.stdout) as { errors: { path: string; message: string }[] };
    assert.deepEqual(Object.keys(doc), ["errors"]);
    const byPath = new Map(doc.errors.map((e) => [e.path, e.message]));
    assert.match(byPath.get("switchyard:etcd.members") ?? "", /expected 3 or 5/);
    assert.match(byPath.get("switchyard:netwrok") ?? "", /unknown key/);
  });

  test("npm run plan plans Pulumi.prod.yaml with warnings; --strict refuses it as pulumi up does", () => {
    const plain = runPlan(["--stack", "prod"]);
    assert.equal(plain.status, 0, plain.stderr);
    assert.ok((plain.plan!.warnings as unknown[]).length > 0);
    assert.match(plain.stderr, /example placeholder\(s\) left in a production stack/);
    const strict = runPlan(["--stack", "prod", "--strict"]);
    assert.equal(strict.status, 1);
    const doc = JSON.parse(strict.stdout) as { errors: { path: string }[] };
    assert.ok(doc.errors.some((e) => e.path === "switchyard:kubernetes.adminRoleArns.0"));
    assert.ok(doc.errors.some((e) => e.path === "switchyard:edge.tls.certificate.domainName"));
  });
});
