/**
 * npm run check:monitoring [-- --stack prod] [--report file.json]
 *
 * Plans the stack offline, takes the InfluxDB configuration, setup script, dashboards and alert
 * rules the monitoring component renders (its ConfigMaps), and runs them against a real InfluxDB
 * 1.x on loopback, over HTTPS with a test certificate (plain HTTP must be refused): the setup script creates the databases and users, synthetic points shaped like
 * Telegraf's are written as the write-only telegraf user, and every panel and rule query runs as
 * Grafana's read-only user. Ends with one JSON line of the figures; stops what it started.
 */
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { acceptExamplePlaceholders, parseConfig } from "../components/config";
import { INFLUX_USERS, type InfluxUser } from "../components/monitoring/layout";
import { passwordEnv } from "../components/monitoring/render/influxdb";
import { evaluateProgram, type PlannedResource } from "./lib/evaluate";
import {
  evaluateRule,
  hasData,
  panelQueries,
  panelQueryText,
  panelRange,
  ruleQueries,
} from "./lib/monitoring/grafana";
import {
  query,
  refusesUntrusted,
  runSetupScript,
  startInfluxd,
  write,
  type Influxd,
} from "./lib/monitoring/influxd";
import { synthesize } from "./lib/monitoring/synthetic";
import { readStackConfig } from "./lib/stackConfig";

const USAGE = "usage: npm run check:monitoring [-- --stack <name>] [--report <file.json>]";

function configMapWith(resources: PlannedResource[], key: (k: string) => boolean): Record<string, string> {
  const found = resources.filter(
    (r) =>
      r.type === "kubernetes:core/v1:ConfigMap" &&
      r.name.startsWith("monitoring-") &&
      Object.keys((r.inputs.data as Record<string, string>) ?? {}).some(key),
  );
  if (found.length !== 1)
    throw new Error(`expected one monitoring ConfigMap with such a key, found ${found.length}`);
  return found[0].inputs.data as Record<string, string>;
}

const sameTags = (a: Record<string, string>, b: Record<string, string>) =>
  JSON.stringify(Object.entries(a).sort()) === JSON.stringify(Object.entries(b).sort());

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({
      options: { stack: { type: "string", default: "prod" }, report: { type: "string" } },
    }).values;
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const root = resolve(__dirname, "..");
  console.log = (...a: unknown[]) => console.error(...a);
  const config = readStackConfig(root, resolve(root, `Pulumi.${args.stack}.yaml`));
  // The committed prod stack is checked offline with its example placeholders, as `npm run plan`
  // plans it; a real `pulumi up` refuses them.
  const cfg = parseConfig(config.values, { placeholders: "warn" });
  acceptExamplePlaceholders();
  const { resources } = await evaluateProgram(args.stack!, config, resolve(root, "index.ts"));
  const dashboards = configMapWith(resources, (k) => k.endsWith(".json"));
  const alerting = configMapWith(resources, (k) => k === "rules.yaml");
  const influxConf = configMapWith(resources, (k) => k === "influxdb.conf")["influxdb.conf"];
  const setup = configMapWith(resources, (k) => k === "influx-setup")["influx-setup"];

  let influx: Influxd | undefined;
  const stop = () => influx?.stop();
  process.once("SIGINT", () => (stop(), process.exit(130)));
  process.once("SIGTERM", () => (stop(), process.exit(143)));
  try {
    influx = await startInfluxd(influxConf);
    const passwords = Object.fromEntries(
      (Object.keys(INFLUX_USERS) as InfluxUser[]).map((u) => [u, randomBytes(16).toString("hex")]),
    ) as Record<InfluxUser, string>;
    // HTTPS only: plain HTTP and a client without the CA get nothing.
    const refused = await refusesUntrusted(influx);
    if (!refused.plainHttp || !refused.publicRoots)
      throw new Error(`InfluxDB answered an untrusted client: ${JSON.stringify(refused)}`);
    runSetupScript(
      setup,
      influx,
      Object.fromEntries(Object.entries(passwords).map(([u, p]) => [passwordEnv(u as InfluxUser), p])),
    );
    const as = (u: InfluxUser) => ({ user: INFLUX_USERS[u].name, password: passwords[u] });
    const badDb = "telegraf";
    const goodDb = "telegraf_good";
    for (const statement of [
      `CREATE DATABASE "${goodDb}"`,
      `GRANT WRITE ON "${goodDb}" TO "${INFLUX_USERS.telegraf.name}"`,
      `GRANT READ ON "${goodDb}" TO "${INFLUX_USERS.grafana.name}"`,
    ])
      await query(influx, as("admin"), "", statement);

    const now = Math.floor(Date.now() / 1000);
    const apps = Object.entries(cfg.apps).map(([app, a]) => ({
      app,
      live: a.live,
      minHealthy: a.minHealthy,
    }));
    const data = synthesize({
      now,
      apps,
      restartsPerDay: cfg.monitoring.alerts.restartsPerDay,
      replicaLagSeconds: cfg.monitoring.alerts.replicaLagSeconds,
    });
    await write(influx, as("telegraf"), badDb, data.bad);
    await write(influx, as("telegraf"), goodDb, data.good);
    const grafana = as("grafana");

    const panels = panelQueries(dashboards);
    const panelResults = [];
    for (const p of panels) {
      const text = panelQueryText(p, panelRange(dashboards, p.dashboard));
      const series = await query(influx, grafana, badDb, text);
      panelResults.push({
        dashboard: p.dashboard,
        panel: p.panel,
        datasourceUid: p.datasourceUid,
        query: text,
        series: series.length,
        hasData: hasData(series),
      });
    }
    const rules = ruleQueries(alerting["rules.yaml"]);
    const ruleResults = [];
    for (const r of rules) {
      const expected = data.expected[r.uid];
      if (!expected)
        throw new Error(
          `no synthetic bad series for rule ${r.uid}: add one to scripts/lib/monitoring/synthetic.ts`,
        );
      const bad = evaluateRule(r, await query(influx, grafana, badDb, r.query));
      const good = evaluateRule(r, await query(influx, grafana, goodDb, r.query));
      const firesOnBad =
        bad.firing.length === expected.length &&
        expected.every((e) => bad.firing.some((f) => sameTags(f, e)));
      ruleResults.push({
        uid: r.uid,
        datasourceUid: r.datasourceUid,
        query: r.query,
        threshold: r.threshold,
        expected,
        firingOnBad: bad.firing,
        firingOnGood: good.firing,
        firesOnBad,
        quietOnGood: good.firing.length === 0,
      });
    }
    const summary = {
      panels: panelResults.length,
      panelsWithData: panelResults.filter((p) => p.hasData).length,
      alertRules: ruleResults.length,
      alertsFiringOnBadSeries: ruleResults.filter((r) => r.firesOnBad).length,
      alertsQuietOnGoodSeries: ruleResults.filter((r) => r.quietOnGood).length,
    };
    if (args.report) {
      writeFileSync(
        args.report,
        JSON.stringify(
          { summary, restarts: data.restarts, panels: panelResults, rules: ruleResults },
          null,
          2,
        ),
      );
    }
    for (const p of panelResults.filter((x) => !x.hasData))
      console.error(`panel without data: ${p.dashboard} / ${p.panel}: ${p.query}`);
    for (const r of ruleResults.filter((x) => !x.firesOnBad || !x.quietOnGood))
      console.error(
        `rule ${r.uid}: expected ${JSON.stringify(r.expected)}, bad ${JSON.stringify(r.firingOnBad)}, good ${JSON.stringify(r.firingOnGood)}`,
      );
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    const ok =
      summary.panels > 0 &&
      summary.panelsWithData === summary.panels &&
      summary.alertsFiringOnBadSeries === summary.alertRules &&
      summary.alertsQuietOnGoodSeries === summary.alertRules;
    return ok ? 0 : 1;
  } finally {
    stop();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
