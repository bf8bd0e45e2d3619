import assert from "node:assert/strict";
import { test } from "node:test";
import { ofType, planStack } from "../helpers/plan";

test("a Route is replaced delete-first: its create refuses a key that already exists", () => {
  const routes = ofType(planStack("prod"), "pulumi-nodejs:dynamic/switchyard:Route");
  assert.ok(routes.length > 0, "prod declares the example app's Route");
  for (const r of routes) assert.equal(r.options.deleteBeforeReplace, true, r.name);
});
