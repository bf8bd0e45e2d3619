// The pack's catalogue as docs/policies.md presents it: every policy documented with its id, its
// level and its kind, and described; nothing documented that the pack does not have.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "../../policies/rules";
import { ROOT } from "../helpers/plan";

describe("policy catalogue", () => {
  const doc = readFileSync(join(ROOT, "docs/policies.md"), "utf8");
  const rows = new Map(
    [
      ...doc.matchAll(
        /^\| `([a-z0-9-]+)` \| (mandatory|advisory|disabled) \| (resource|stack) \| (.+?) \|/gm,
      ),
    ].map(([, id, level, kind, what]) => [id, { level, kind, what }]),
  );

  it("documents every policy with its level and kind, and nothing else", () => {
    assert.deepEqual(
      [...rows.keys()],
      policies.map((p) => p.name),
      "same ids, in report order",
    );
    for (const p of policies) {
      const row = rows.get(p.name)!;
      assert.equal(row.level, p.enforcementLevel ?? PACK_ENFORCEMENT_LEVEL, `${p.name}: level`);
      assert.equal(row.kind, "validateStack" in p ? "stack" : "resource", `${p.name}: kind`);
    }
  });

  it("gives every policy a sentence of description and exactly one kind of validation", () => {
    for (const p of policies) {
      assert.match(p.description, /^\S.{20,}\.$/, `${p.name}: description`);
      const kinds = ["validateResource", "validateStack"].filter(
        (k) => k in p && (p as never)[k] !== undefined,
      );
      assert.equal(kinds.length, 1, `${p.name}: ${kinds.join(", ")}`);
    }
    assert.equal(PACK_NAME, doc.match(/`(switchyard-[a-z]+)`/)?.[1]);
  });
});
