import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ConfigError, parseConfig } from "../../../components/config";
import { planVariant } from "../../helpers/plan";

const base = { "aws:region": "eu-west-1" };
const encode = (raw: Record<string, unknown>) =>
  Object.fromEntries(
    Object.entries({ ...base, ...raw }).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
  );

function problemsOf(raw: Record<string, unknown>): { path: string; message: string }[] {
  try {
    parseConfig(encode(raw));
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e.problems;
  }
  return [];
}

describe("logging.graylog configuration", () => {
  test("defaults: 2 Graylog nodes, 3 OpenSearch nodes, 30 days, heap-sized limits", () => {
    const g = parseConfig(base).logging.graylog;
    assert.equal(g.replicas, 2);
    assert.equal(g.searchNodes, 3);
    assert.equal(g.retentionDays, 30);
    assert.equal(g.resources.limits.memory, "2Gi");
    assert.equal(g.searchResources.limits.memory, "4Gi");
  });

  test("Graylog without MongoDB is refused, naming the dependency", () => {
    const found = problemsOf({ "switchyard:databases": { mongodb: { enabled: false } } });
    assert.deepEqual(
      found.map((p) => p.path),
      ["switchyard:logging.graylog"],
    );
    assert.match(found[0].message, /Graylog needs MongoDB: enable databases\.mongodb/);
    // Either side turned off is consistent.
    assert.deepEqual(
      problemsOf({
        "switchyard:databases": { mongodb: { enabled: false } },
        "switchyard:logging": { enabled: false },
      }),
      [],
    );
  });

  test("bad values name their key", () => {
    const found = problemsOf({ "switchyard:logging": { graylog: { retentionDays: 0, searchNodes: 10 } } });
    assert.deepEqual(found.map((p) => p.path).sort(), [
      "switchyard:logging.graylog.retentionDays",
      "switchyard:logging.graylog.searchNodes",
    ]);
  });

  test("Graylog's host may not be an app's or Grafana's", () => {
    const found = problemsOf({
      "switchyard:logging": { graylog: { host: "ops.example.com" } },
      "switchyard:monitoring": { grafana: { host: "ops.example.com" } },
    });
    assert.ok(
      found.some((p) => p.path === "switchyard:logging.graylog.host" && /already served/.test(p.message)),
      JSON.stringify(found),
    );
  });

  test("the plan exits 1 on the missing dependency, before any resource is declared", () => {
    const run = planVariant("prod", (cfg) => {
      cfg["switchyard:databases"] = { ...(cfg["switchyard:databases"] ?? {}), mongodb: { enabled: false } };
    });
    assert.equal(run.status, 1, run.stderr);
    // With --json a configuration error is one JSON document on stdout, and no plan.
    const { errors } = JSON.parse(run.stdout) as { errors: { path: string; message: string }[] };
    assert.ok(
      errors.some((e) => e.path === "switchyard:logging.graylog" && /^Graylog needs MongoDB/.test(e.message)),
      run.stdout,
    );
    assert.equal(run.plan, undefined);
  });
});
