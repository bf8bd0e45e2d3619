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
    assert.match(run.stderr, /switchyard:etcd\.members: expected 3 or 5/);
    assert.match(run.stderr, /switchyard:netwrok: unknown key/);
    assert.equal(run.stdout, "", "nothing planned on stdout");
  });

  test("an unknown stack is a clear error", () => {
    const run = runPlan(["--stack", "nope"]);
    assert.equal(run.status, 1);
    assert.match(run.stderr, /Pulumi\.nope\.yaml/);
  });
});
