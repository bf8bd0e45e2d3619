/** The shared host Telegraf: TOML and plugins, no credential in user-data, and per-role inputs. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { renderCloudConfig, withParts } from "../../components/common/host/cloudInit";
import { hostTelegraf, renderHostTelegrafConfig, TELEGRAF_HOST } from "../../components/common/host/telegraf";
import { unknownOptionsInToml } from "../helpers/telegraf";
import { mongoTelegrafInputs } from "../../components/data/mongodb/render/telegraf";
import { mysqlTelegrafInputs } from "../../components/data/mysql/render/telegraf";
import { edgeTelegrafInputs } from "../../components/edge/render/userData";
import { etcdTelegrafInputs } from "../../components/etcd/render/userData";
import { MEASUREMENTS } from "../../components/monitoring/measurements";
import { cloudInitSchema } from "../helpers/host";

const caArn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:host-telegraf-ca";
const influx = {
  url: "https://internal-metrics.elb.amazonaws.com:8086",
  database: "telegraf",
  username: "telegraf",
  caSecretArn: caArn,
};
const arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:host-telegraf";
const roles = {
  edge: edgeTelegrafInputs(),
  etcd: etcdTelegrafInputs(),
  mysql: mysqlTelegrafInputs({ user: "monitor", mariadb: false }),
  mongodb: mongoTelegrafInputs(),
};

describe("host Telegraf", () => {
  for (const [role, inputs] of Object.entries(roles)) {
    test(`${role}: TOML naming only upstream plugins and options; measurements the dashboards read`, () => {
      const text = renderHostTelegrafConfig({ role, inputs, influx, credentialsSecretArn: arn });
      const doc = parseToml(text) as Record<string, Record<string, Record<string, unknown>[]>>;
      assert.deepEqual(unknownOptionsInToml(text), []);
      assert.equal(doc.outputs.influxdb[0].password, "${INFLUX_PASSWORD}");
      // HTTPS to InfluxDB, verified against its CA (fetched into tlsDir).
      assert.equal(doc.outputs.influxdb[0].tls_ca, `${TELEGRAF_HOST.tlsDir}/${TELEGRAF_HOST.influxCaFile}`);
      for (const prom of doc.inputs.prometheus ?? []) {
        assert.equal(prom.metric_version, 2);
        assert.ok(
          (prom.name_override as string) in MEASUREMENTS,
          `${String(prom.name_override)} is read by no panel`,
        );
      }
      for (const [plugin, list] of Object.entries(doc.inputs))
        for (const options of list)
          assert.deepEqual({ ...(options.tags as object) }, { role }, `${plugin} tags`);
    });
  }

  test("MySQL 8.4 replica status and MariaDB's dialect", () => {
    const [mysql] = mysqlTelegrafInputs({ user: "monitor", mariadb: true });
    assert.equal(mysql.options.gather_replica_status, true);
    assert.equal(mysql.options.mariadb_dialect, true);
    assert.match(String(mysql.options.servers), /\$\{MYSQL_MONITOR_PASSWORD\}/);
  });

  test("added to a host document: passes `cloud-init schema`, fetches credentials at boot, holds none", () => {
    const part = hostTelegraf({
      role: "edge",
      inputs: roles.edge,
      influx,
      credentialsSecretArn: arn,
      runAs: "switchyard",
    });
    const text = renderCloudConfig(
      withParts({ packages: ["haproxy"], writeFiles: [], runcmd: [["true"]] }, part),
    );
    const r = cloudInitSchema(text);
    assert.equal(r.status, 0, r.output);
    const doc = parseYaml(text) as {
      yum_repos: Record<string, { gpgcheck: boolean; baseurl: string }>;
      packages: string[];
      write_files: { path: string; content: string; defer?: boolean }[];
      runcmd: string[][];
    };
    assert.deepEqual(doc.packages, ["haproxy", "telegraf"]);
    assert.equal(doc.yum_repos.influxdata.gpgcheck, true);
    assert.match(doc.yum_repos.influxdata.baseurl, /^https:\/\/repos\.influxdata\.com\//);
    const files = new Map(doc.write_files.map((f) => [f.path, f]));
    assert.equal(files.get(TELEGRAF_HOST.config)?.defer, true, "written after the package's own config");
    const dropIn = files.get(TELEGRAF_HOST.dropIn)!.content;
    assert.match(dropIn, /EnvironmentFile=\/etc\/telegraf\/secrets\/influxdb\.env/);
    assert.match(dropIn, /Requires=telegraf-credentials\.service/);
    assert.match(dropIn, /User=switchyard/);
    const unit = files.get(`/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`)!.content;
    assert.match(unit, new RegExp(`${arn} ${TELEGRAF_HOST.secretsDir} root\n`));
    // The CA is for Telegraf's own user (here the agent's), the password file for root only.
    assert.match(unit, new RegExp(`${caArn} ${TELEGRAF_HOST.tlsDir} switchyard\n`));
    assert.doesNotMatch(text, /INFLUX_PASSWORD=/);
    assert.deepEqual(doc.runcmd.at(-1), ["systemctl", "restart", "telegraf.service"]);
  });
});
