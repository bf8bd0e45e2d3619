/**
 * etcd authentication for real (scripts/lib/etcdAuthCheck.ts, also `npm run check:etcd-auth`):
 * 3-member mTLS clusters from the rendered settings, the rendered role bootstrap run by every
 * member at once, each identity's certificate against the operations it needs and the writes it
 * must not make, and the migration of an auth-off cluster under a real agent's traffic.
 */
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";
import { etcdIdentities } from "../../components/etcd/access";
import { runEtcdAuthCheck, summarize, type EtcdAuthReport } from "../../scripts/lib/etcdAuthCheck";

let report: EtcdAuthReport;

describe("etcd authentication on real clusters", { timeout: 300_000 }, () => {
  before(async () => {
    report = await runEtcdAuthCheck();
  });

  test("a new cluster's members bootstrap users and roles and turn authentication on, idempotently", () => {
    for (const run of [...report.fresh.bootstrap, ...report.fresh.rerun]) {
      assert.equal(run.status, 0, run.output);
    }
    const ids = etcdIdentities();
    assert.deepEqual(report.fresh.users, ["root", ...ids.map((i) => i.user)].sort());
    assert.deepEqual(
      report.fresh.roles,
      ids
        .filter((i) => i.role !== "root")
        .map((i) => i.role)
        .sort(),
    );
    assert.ok(report.fresh.memberCertRefused, "a certificate whose CN is no user must be refused");
  });

  test("every identity performs every operation it needs", () => {
    const allowed = report.fresh.ops.filter((o) => o.expect === "allowed");
    assert.ok(allowed.length >= 10, `only ${allowed.length} allowed operations exercised`);
    const failed = allowed.filter((o) => !o.ok).map((o) => `${o.identity}: ${o.op}: ${o.error}`);
    assert.deepEqual(failed, []);
    // Every identity the stack issues a certificate for was exercised.
    assert.deepEqual(
      [...new Set(allowed.map((o) => o.identity))].sort(),
      etcdIdentities()
        .map((i) => i.user)
        .sort(),
    );
  });

  test("every forbidden write is refused by etcd, and the error names the permission", () => {
    const forbidden = report.fresh.ops.filter((o) => o.expect === "forbidden");
    assert.ok(forbidden.length >= 10, `only ${forbidden.length} forbidden operations exercised`);
    const notRefused = forbidden
      .filter((o) => o.ok || !o.refused)
      .map((o) => `${o.identity}: ${o.op}: ${o.error}`);
    assert.deepEqual(notRefused, []);
    for (const id of [
      "switchyard-agent-blue",
      "switchyard-agent-green",
      "switchyard-registrar",
      "switchyard-deployer",
    ]) {
      assert.ok(
        forbidden.some((o) => o.identity === id && o.op === "delete the whole key space"),
        `${id} must be tried on deleting the key space`,
      );
    }
    const route = forbidden.find((o) => o.identity === "switchyard-agent-blue" && o.op === "write a route");
    assert.match(
      route?.error ?? "",
      /permission denied; the etcd user of this client's certificate \(its CN\) needs readwrite on \/switchyard\/v1\/routes\/matrix\.example\.test/,
    );
  });

  test("migrating an auth-off cluster keeps a running agent serving, and the Route flips it afterwards", () => {
    const m = report.migration;
    for (const run of m.bootstrap) assert.equal(run.status, 0, run.output);
    assert.ok(m.load.requests > 100, `only ${m.load.requests} requests sent during the migration`);
    assert.equal(m.load.failures, 0, m.load.failureSamples.join("\n"));
    assert.ok(m.flipConfirmed, "the Route's flip after the switch was confirmed by the agent");
    assert.equal(m.servedAfter, "green");
    assert.ok(m.oldSharedCertRefused, "the old shared certificate must stop working once auth is on");
    assert.doesNotMatch(m.agentLog, /permission denied|no etcd user/, "the agent was refused something");
  });

  test("the summary counts what was measured", () => {
    const s = summarize(report);
    assert.equal(s.allowedOk, s.allowedOps);
    assert.equal(s.forbiddenRefused, s.forbiddenOps);
    assert.equal(s.migrationFailedRequests, 0);
    assert.equal(s.roles, etcdIdentities().length);
  });
});
