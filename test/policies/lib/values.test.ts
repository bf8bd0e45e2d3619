// Reading untyped resource properties (policies/lib/values.ts): what counts as an object, a list
// of objects, a list of strings and a string, so a rule never trips over an unexpected shape.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { at, isTrue, list, record, records, strings, text } from "../../../policies/lib/values";

describe("property readers", () => {
  it("record: plain objects only", () => {
    assert.deepEqual(record({ a: 1 }), { a: 1 });
    for (const v of [null, undefined, [1], "a", 1, true]) assert.equal(record(v), undefined, String(v));
  });

  it("records and strings keep the items of the right kind", () => {
    assert.deepEqual(records([{ a: 1 }, null, [2], "x", { b: 2 }]), [{ a: 1 }, { b: 2 }]);
    assert.deepEqual(records({ a: 1 }), []);
    assert.deepEqual(strings(["a", 1, null, "b", { c: 1 }]), ["a", "b"]);
    assert.deepEqual(strings("a"), []);
    assert.deepEqual(list("a"), []);
  });

  it("text, isTrue and at", () => {
    assert.equal(text("a"), "a");
    for (const v of [1, null, ["a"]]) assert.equal(text(v), undefined);
    assert.deepEqual([true, "true", "false", 1, "yes"].map(isTrue), [true, true, false, false, false]);
    assert.equal(at({ a: { b: { c: 3 } } }, "a", "b", "c"), 3);
    assert.equal(at({ a: [{ b: 1 }] }, "a", "b"), undefined);
  });
});
