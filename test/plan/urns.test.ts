/**
 * The refactoring guard: the prod and staging plans answer to exactly the URNs recorded in
 * fixtures/urns.json (from the commit it names), directly or through `aliases`. A URN that is
 * lost would be deleted and created anew by `pulumi up`. Adding or renaming resources on purpose:
 * give renamed resources an alias, then re-record with `npm run record:urns`.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, test } from "node:test";
import { compareUrns } from "../../scripts/lib/urns";
import { STACKS, URN_FIXTURE } from "../../scripts/record-urns";
import { runPlan } from "../helpers/plan";
import { planned } from "../helpers/planned";

const baseline = JSON.parse(readFileSync(URN_FIXTURE, "utf8")) as {
  recordedFrom: string;
  stacks: Record<string, string[]>;
};

describe("resource URNs are kept across refactorings", () => {
  for (const stack of STACKS) {
    test(`${stack}: every recorded URN is kept or aliased, and no other resource appears`, () => {
      const run = runPlan(["--stack", stack]);
      assert.equal(run.status, 0, run.stderr);
      const { lost, added } = compareUrns(baseline.stacks[stack], run.plan!.resources);
      assert.deepEqual(lost, [], `URNs of ${baseline.recordedFrom} that nothing answers to`);
      assert.deepEqual(added, [], `resources ${baseline.recordedFrom} did not have (re-record if intended)`);
    });
  }

  test("a renamed and retyped component is kept through its alias, and so are its children", () => {
    const old = "urn:pulumi:test::switchyard::switchyard:old:Thing::old-name";
    const parent = planned("switchyard:x:Thing", "new-name", {}, { options: { aliases: [old] } });
    const child = {
      ...planned("aws:ec2/instance:Instance", "child", {}),
      parent: parent.urn,
      urn: "urn:pulumi:test::switchyard::switchyard:x:Thing$aws:ec2/instance:Instance::child",
    };
    const before = [
      old,
      "urn:pulumi:test::switchyard::switchyard:old:Thing$aws:ec2/instance:Instance::child",
    ];
    assert.deepEqual(compareUrns(before, [parent, child]), { lost: [], added: [] });
    const unaliased = { ...parent, options: { ...parent.options, aliases: [] } };
    assert.deepEqual(compareUrns(before, [unaliased, child]), {
      lost: [...before].sort(),
      added: [unaliased.urn, child.urn].sort(),
    });
  });
});
