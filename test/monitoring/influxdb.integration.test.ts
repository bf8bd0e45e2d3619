/**
 * The monitoring stack against a real InfluxDB 1.x (Debian's influxd on loopback): the check
 * script's figures and details, and the rendered setup script's users doing exactly what their
 * grants say.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { INFLUX_USERS, type InfluxUser } from "../../components/monitoring/layout";
import {
  passwordEnv,
  renderInfluxConfig,
  renderInfluxSetupScript,
} from "../../components/monitoring/render/influxdb";
import {
  makeTestCertificates,
  query,
  refusesUntrusted,
  request,
  runSetupScript,
  startInfluxd,
  write,
  type Influxd,
} from "../../scripts/lib/monitoring/influxd";
import { ROOT } from "../helpers/plan";

interface Report {
  summary: Record<string, number>;
  restarts: { bad: number; healthy: number };
  panels: { panel: string; datasourceUid: string; hasData: boolean }[];
  rules: {
    uid: string;
    datasourceUid: string;
    expected: Record<string, string>[];
    firingOnBad: Record<string, string>[];
    firingOnGood: Record<string, string>[];
    firesOnBad: boolean;
    quietOnGood: boolean;
  }[];
}

describe("npm run check:monitoring (real InfluxDB, prod's rendered files)", () => {
  let stdout = "";
  let report: Report;
  before(() => {
    const file = join(mkdtempSync(join(tmpdir(), "switchyard-monitoring-")), "report.json");
    const run = spawnSync(
      process.execPath,
      ["--import", "tsx", join(ROOT, "scripts/check-monitoring.ts"), "--report", file],
      { cwd: ROOT, encoding: "utf8", timeout: 300_000 },
    );
    assert.equal(run.status, 0, run.stderr);
    stdout = run.stdout;
    report = JSON.parse(readFileSync(file, "utf8")) as Report;
  });

  test("ends with exactly one JSON line of figures; every panel has data, every rule fires and is quiet", () => {
    const lines = stdout.trim().split("\n");
    assert.equal(lines.length, 1);
    const figures = JSON.parse(lines[0]) as Record<string, number>;
    assert.deepEqual(Object.keys(figures), [
      "panels",
      "panelsWithData",
      "alertRules",
      "alertsFiringOnBadSeries",
      "alertsQuietOnGoodSeries",
    ]);
    assert.ok(figures.panels >= 15, `only ${figures.panels} panels`);
    assert.equal(figures.panelsWithData, figures.panels);
    assert.ok(figures.alertRules >= 12, `only ${figures.alertRules} rules`);
    assert.equal(figures.alertsFiringOnBadSeries, figures.alertRules);
    assert.equal(figures.alertsQuietOnGoodSeries, figures.alertRules);
    assert.deepEqual(figures, report.summary);
  });

  test("the restart alert selects the container with 5 restarts in 24 h, not the one with 1", () => {
    assert.deepEqual(report.restarts, { bad: 5, healthy: 1 });
    const rule = report.rules.find((r) => r.uid === "container-restarts")!;
    assert.deepEqual(rule.firingOnBad, [
      { container_name: "app", namespace: "apps", pod_name: "shop-blue-5c7d9-x" },
    ]);
    // Named by the container's identity only: state/readiness/phase changed at every restart.
    assert.deepEqual(Object.keys(rule.firingOnBad[0]).sort(), ["container_name", "namespace", "pod_name"]);
    assert.ok(!rule.firingOnBad.some((f) => f.pod_name === "shop-blue-5c7d9-y"));
    assert.deepEqual(rule.firingOnGood, []);
  });

  test("replica lag, replication stopped and the live backend below minHealthy fire on their bad series only", () => {
    const byUid = Object.fromEntries(report.rules.map((r) => [r.uid, r]));
    assert.deepEqual(byUid["mysql-replica-lag"].firingOnBad, [{ host: "db-2" }]);
    assert.deepEqual(byUid["mysql-replication-stopped"].firingOnBad, [{ host: "db-3" }]);
    assert.deepEqual(byUid["backend-down-shop"].firingOnBad, [{ host: "edge-1" }]);
    for (const uid of ["mysql-replica-lag", "mysql-replication-stopped", "backend-down-shop"])
      assert.deepEqual(byUid[uid].firingOnGood, [], uid);
  });

  test("every panel and rule queries the one platform datasource", () => {
    const uids = new Set([
      ...report.panels.map((p) => p.datasourceUid),
      ...report.rules.map((r) => r.datasourceUid),
    ]);
    assert.deepEqual([...uids], ["switchyard-influxdb"]);
  });
});

describe("InfluxDB setup script (rendered, run with the influx CLI)", () => {
  let influx: Influxd;
  // Inside the 30-day retention: older points are dropped.
  const at = Math.floor(Date.now() / 1000) - 60;
  const pw = Object.fromEntries(
    (Object.keys(INFLUX_USERS) as InfluxUser[]).map((u) => [u, `pw-${u}-0123456789`]),
  ) as Record<InfluxUser, string>;
  const as = (u: InfluxUser, password = pw[u]) => ({ user: INFLUX_USERS[u].name, password });
  const env = (p: Record<InfluxUser, string>) =>
    Object.fromEntries(Object.entries(p).map(([u, v]) => [passwordEnv(u as InfluxUser), v]));

  before(async () => {
    influx = await startInfluxd(
      renderInfluxConfig({
        dataRoot: "/unused",
        httpBind: ":8086",
        rpcBind: "127.0.0.1:8088",
        https: { certificate: "/unused/tls.crt", privateKey: "/unused/tls.key" },
      }),
    );
    runSetupScript(renderInfluxSetupScript({ retentionDays: 30 }), influx, env(pw));
  });
  after(() => influx?.stop());

  test("HTTPS only: a write and a query trusting only the CA work; plain HTTP and public roots get nothing", async () => {
    await write(influx, as("telegraf"), "telegraf", [`etcd,host=tls etcd_server_has_leader=1i ${at}`]);
    const [series] = await query(influx, as("grafana"), "telegraf", "SELECT * FROM etcd WHERE host = 'tls'");
    assert.equal(series.values.length, 1);
    assert.deepEqual(await refusesUntrusted(influx), { plainHttp: true, publicRoots: true });
    // A CA that did not sign the certificate is refused too (the client checks the chain).
    const otherCa = makeTestCertificates(mkdtempSync(join(tmpdir(), "other-ca-"))).caFile;
    const other = { port: influx.port, ca: readFileSync(otherCa, "utf8") };
    await assert.rejects(request(other, "GET", "/ping"), /certificate/);
  });

  test("databases get the configured retention as their default policy", async () => {
    for (const db of ["telegraf", "apps"]) {
      const [rps] = await query(influx, as("admin"), db, `SHOW RETENTION POLICIES ON "${db}"`);
      const row = rps.values.find((v) => v[0] === "switchyard")!;
      assert.equal(row[1], "720h0m0s");
      assert.equal(row[4], true);
    }
  });

  test("the apps user may write to apps only, and read nothing", async () => {
    await write(influx, as("apps"), "apps", [`app_jobs,app=reports duration=1 ${at}`]);
    await assert.rejects(write(influx, as("apps"), "telegraf", ["x v=1"]), /403/);
    await assert.rejects(query(influx, as("apps"), "apps", "SELECT * FROM app_jobs"), /not authorized/);
  });

  test("telegraf writes only the platform database; grafana reads both and writes neither", async () => {
    await write(influx, as("telegraf"), "telegraf", [`haproxy,host=h active_servers=1i ${at}`]);
    await assert.rejects(write(influx, as("telegraf"), "apps", ["x v=1"]), /403/);
    await assert.rejects(
      query(influx, as("telegraf"), "telegraf", "SELECT * FROM haproxy"),
      /not authorized/,
    );
    const [series] = await query(influx, as("grafana"), "telegraf", "SELECT * FROM haproxy");
    assert.equal(series.values.length, 1);
    await query(influx, as("grafana"), "apps", "SELECT * FROM app_jobs");
    await assert.rejects(write(influx, as("grafana"), "telegraf", ["x v=1"]), /403/);
  });

  test("re-running with a rotated password and a new retention converges", async () => {
    const rotated = { ...pw, grafana: "pw-grafana-rotated" };
    runSetupScript(renderInfluxSetupScript({ retentionDays: 7 }), influx, env(rotated));
    await assert.rejects(
      query(influx, as("grafana"), "telegraf", "SHOW MEASUREMENTS"),
      /authorization failed/,
    );
    await query(influx, as("grafana", rotated.grafana), "telegraf", "SHOW MEASUREMENTS");
    const [rps] = await query(influx, as("admin"), "telegraf", 'SHOW RETENTION POLICIES ON "telegraf"');
    assert.equal(rps.values.find((v) => v[0] === "switchyard")![1], "168h0m0s");
  });
});
