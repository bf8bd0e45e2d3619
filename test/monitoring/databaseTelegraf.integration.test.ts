/**
 * Telegraf on the MySQL/MariaDB and MongoDB members: the rendered user-data (cloud-init schema, the TOML
 * Telegraf reads, systemd loading both credentials) and the prod plan (the members' user-data,
 * their instance role, the metrics NLB path opened to the databases group on 8086 only).
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse as parseToml } from "smol-toml";
import { telegrafHostAgent, TELEGRAF_HOST } from "../../components/common/host/telegraf";
import { unknownOptionsInToml } from "../helpers/telegraf";
import { mysqlRelease } from "../../components/data/mysql/releases";
import { MYSQL_HOST, MYSQL_USERS } from "../../components/data/mysql/render/layout";
import { MYSQL_MONITOR_PASSWORD_ENV, mysqlTelegrafInputs } from "../../components/data/mysql/render/telegraf";
import { renderMysqlMemberUserData } from "../../components/data/mysql/render/userData";
import { mongoRelease } from "../../components/data/mongodb/releases";
import { MONGO_MONITOR, MONGODB_PORT } from "../../components/data/mongodb/render/layout";
import {
  MONGODB_MONITOR_PASSWORD_ENV,
  MONGODB_TELEGRAF_CA,
  mongoTelegrafInputs,
} from "../../components/data/mongodb/render/telegraf";
import { renderMongoMemberUserData } from "../../components/data/mongodb/render/userData";
import { MOCK_SECRET_VALUE } from "../../scripts/lib/stackConfig";
import { byName, ofType, planStack } from "../helpers/plan";
import { cloudInitSchema, writtenFiles } from "../helpers/host";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form
type Json = any;

const influx = {
  url: "http://internal-metrics.elb.amazonaws.com:8086",
  database: "telegraf",
  username: "telegraf",
};
const INFLUX_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:host-telegraf";
const MYSQL_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mysql-telegraf";

function memberUserData(engine: "mysql" | "mariadb"): string {
  return renderMysqlMemberUserData({
    fqdn: "mysql-0.mysql.switchyard.internal",
    serverId: 1,
    release: mysqlRelease(engine, engine === "mysql" ? "8.4" : "11.8", "amd64"),
    volumeId: "vol-0123456789abcdef0",
    tlsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mysql-0-tls",
    credentialsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mysql-credentials",
    primaryParameter: "/switchyard/prod/mysql/primary",
    database: "app",
    appUser: "app",
    hostAgents: [
      telegrafHostAgent({
        role: "mysql",
        inputs: mysqlTelegrafInputs({ user: MYSQL_USERS.monitor, mariadb: engine === "mariadb" }),
        influx,
        credentialsSecretArn: INFLUX_ARN,
        serviceCredentials: { secretArn: MYSQL_ARN, envFile: "mysql.env" },
      }),
    ],
  });
}

describe("Telegraf in the MySQL/MariaDB members' user-data", () => {
  for (const engine of ["mysql", "mariadb"] as const) {
    test(`${engine}: cloud-init schema passes; inputs.mysql with replica status, only upstream options`, () => {
      const doc = memberUserData(engine);
      const schema = cloudInitSchema(doc);
      assert.equal(schema.status, 0, schema.output);
      const files = writtenFiles(doc);
      const toml = parseToml(files.get(TELEGRAF_HOST.config)!.content) as Json;
      assert.deepEqual(unknownOptionsInToml(files.get(TELEGRAF_HOST.config)!.content), []);
      const [mysql] = toml.inputs.mysql;
      assert.equal(mysql.gather_replica_status, true);
      assert.equal(mysql.mariadb_dialect, engine === "mariadb");
      assert.deepEqual(mysql.servers, [
        `${MYSQL_USERS.monitor}:\${${MYSQL_MONITOR_PASSWORD_ENV}}@unix(${MYSQL_HOST.socket})/`,
      ]);
      assert.deepEqual({ ...mysql.tags }, { role: "mysql" });
    });
  }

  test("both credentials are fetched at boot and loaded by systemd; the yum repository is added", () => {
    const doc = memberUserData("mysql");
    const files = writtenFiles(doc);
    const unit = files.get(`/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`)!.content;
    assert.match(unit, new RegExp(`ExecStart=\\S+ ${INFLUX_ARN} ${TELEGRAF_HOST.secretsDir} root`));
    assert.match(unit, new RegExp(`ExecStart=\\S+ ${MYSQL_ARN} ${TELEGRAF_HOST.secretsDir} root`));
    const dropIn = files.get(TELEGRAF_HOST.dropIn)!.content;
    assert.match(dropIn, /EnvironmentFile=\/etc\/telegraf\/secrets\/influxdb\.env/);
    assert.match(dropIn, /EnvironmentFile=\/etc\/telegraf\/secrets\/mysql\.env/);
    assert.match(doc, /yum_repos:\n {2}influxdata:/);
  });
});

describe("Telegraf on the database hosts in the prod plan", () => {
  const plan = planStack("prod");
  const members = ofType(plan, "aws:ec2/instance:Instance").filter((r) => r.name.startsWith("mysql-"));

  test("every MySQL member's user-data runs Telegraf with no credential in it", () => {
    assert.ok(members.length >= 2);
    for (const m of members) {
      const doc = String((m.inputs as Json).userData);
      const files = writtenFiles(doc);
      assert.ok(files.has(TELEGRAF_HOST.config), m.name);
      assert.ok(!doc.includes(MOCK_SECRET_VALUE), `${m.name}: a secret in user-data`);
      assert.match(
        files.get(`/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`)!.content,
        /mysql-telegraf/,
      );
    }
  });

  test("the members' role reads the two Telegraf secrets, and the secret holds the monitor password as a Pulumi secret", () => {
    const policy = JSON.parse(String(byName(plan, "aws:iam/rolePolicy:RolePolicy", "mysql-0").inputs.policy));
    const resources = (policy.Statement as Json[]).flatMap((s) => [s.Resource].flat());
    assert.ok(
      resources.some((r: string) => r.endsWith("secret/monitoring-host-telegraf")),
      JSON.stringify(resources),
    );
    assert.ok(
      resources.some((r: string) => r.endsWith("secret/mysql-telegraf")),
      JSON.stringify(resources),
    );
    const version = byName(plan, "aws:secretsmanager/secretVersion:SecretVersion", "mysql-telegraf");
    assert.equal((version.inputs as Json).secretString, "[secret]");
  });

  test("the metrics NLB admits the databases group on 8086 only; the databases group may send only 8086 to it", () => {
    const ingress = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").find(
      (r) => r.name === "monitoring-metrics-lb-ingress-from-databases",
    )!;
    const lbGroup = byName(plan, "aws:ec2/securityGroup:SecurityGroup", "monitoring-metrics-lb");
    const dbGroup = byName(plan, "aws:ec2/securityGroup:SecurityGroup", "switchyard-databases");
    const i = ingress.inputs as Json;
    assert.deepEqual([i.ipProtocol, i.fromPort, i.toPort], ["tcp", 8086, 8086]);
    assert.equal(i.referencedSecurityGroupId, `${dbGroup.name}-id`);
    assert.equal(i.securityGroupId, `${lbGroup.name}-id`);
    const egress = ofType(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
      (r) =>
        (r.inputs as Json).securityGroupId === `${dbGroup.name}-id` &&
        (r.inputs as Json).referencedSecurityGroupId === `${lbGroup.name}-id`,
    );
    assert.deepEqual(
      egress.map((r) => [(r.inputs as Json).fromPort, (r.inputs as Json).toPort]),
      [[8086, 8086]],
    );
  });
});

const MONGO_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongodb-telegraf";
const MONGO_CA_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongodb-telegraf-ca";
const INFLUX_CA_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:host-telegraf-ca";

function mongoMemberUserData(): string {
  return renderMongoMemberUserData({
    fqdn: "mongodb-0.mongodb.switchyard.internal",
    release: mongoRelease("8.0", "amd64"),
    members: ["mongodb-0.mongodb.switchyard.internal", "mongodb-1.mongodb.switchyard.internal"],
    replicaSetName: "rs0",
    volumeId: "vol-0123456789abcdef0",
    tlsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongodb-0-tls",
    keySecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongodb-keyfile",
    credentialsSecretArn: "arn:aws:secretsmanager:eu-west-1:123456789012:secret:mongodb-credentials",
    database: "app",
    appUser: "app",
    hostAgents: [
      telegrafHostAgent({
        role: "mongodb",
        inputs: mongoTelegrafInputs(),
        influx: {
          ...influx,
          url: "https://internal-metrics.elb.amazonaws.com:8086",
          caSecretArn: INFLUX_CA_ARN,
        },
        credentialsSecretArn: INFLUX_ARN,
        serviceCredentials: { secretArn: MONGO_ARN, envFile: "mongodb.env" },
        inputCaSecretArns: [MONGO_CA_ARN],
      }),
    ],
  });
}

describe("Telegraf in the MongoDB members' user-data", () => {
  const doc = mongoMemberUserData();
  const files = writtenFiles(doc);
  const toml = parseToml(files.get(TELEGRAF_HOST.config)!.content) as Json;

  test("cloud-init schema passes; inputs.mongodb over TLS on the member itself, only upstream options", () => {
    const schema = cloudInitSchema(doc);
    assert.equal(schema.status, 0, schema.output);
    assert.deepEqual(unknownOptionsInToml(files.get(TELEGRAF_HOST.config)!.content), []);
    const [mongo] = toml.inputs.mongodb;
    const url = new URL(mongo.servers[0]);
    assert.equal(url.username, MONGO_MONITOR.user);
    assert.equal(decodeURIComponent(url.password), `\${${MONGODB_MONITOR_PASSWORD_ENV}}`);
    // 127.0.0.1 is a name in the member's certificate; TLS is required by the members.
    assert.equal(url.host, `127.0.0.1:${MONGODB_PORT}`);
    assert.equal(url.searchParams.get("tls"), "true");
    assert.equal(url.searchParams.get("authSource"), "admin");
    assert.equal(url.searchParams.get("directConnection"), "true");
    assert.equal(mongo.tls_ca, `${TELEGRAF_HOST.tlsDir}/${MONGODB_TELEGRAF_CA}`);
    assert.equal(mongo.insecure_skip_verify, undefined);
    assert.deepEqual({ ...mongo.tags }, { role: "mongodb" });
  });

  test("InfluxDB is written over HTTPS trusting its CA; both CAs are fetched for Telegraf's user, passwords for root", () => {
    const [out] = toml.outputs.influxdb;
    assert.match(out.urls[0], /^https:\/\//);
    assert.equal(out.tls_ca, `${TELEGRAF_HOST.tlsDir}/${TELEGRAF_HOST.influxCaFile}`);
    const unit = files.get(`/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`)!.content;
    for (const arn of [INFLUX_ARN, MONGO_ARN])
      assert.match(unit, new RegExp(`ExecStart=\\S+ ${arn} ${TELEGRAF_HOST.secretsDir} root\\n`));
    for (const arn of [INFLUX_CA_ARN, MONGO_CA_ARN])
      assert.match(
        unit,
        new RegExp(`ExecStart=\\S+ ${arn} ${TELEGRAF_HOST.tlsDir} ${TELEGRAF_HOST.user}\\n`),
      );
    const dropIn = files.get(TELEGRAF_HOST.dropIn)!.content;
    assert.match(dropIn, /EnvironmentFile=\/etc\/telegraf\/secrets\/mongodb\.env/);
    assert.ok(!doc.includes("BEGIN CERTIFICATE"), "certificates come from Secrets Manager at boot");
  });
});

describe("Telegraf on the MongoDB members in the prod plan", () => {
  const plan = planStack("prod");
  const members = ofType(plan, "aws:ec2/instance:Instance").filter((r) => r.name.startsWith("mongodb-"));

  test("every member's user-data runs Telegraf with inputs.mongodb and no credential in it", () => {
    assert.ok(members.length >= 3);
    for (const m of members) {
      const doc = String((m.inputs as Json).userData);
      const files = writtenFiles(doc);
      const toml = parseToml(files.get(TELEGRAF_HOST.config)!.content) as Json;
      assert.equal(toml.inputs.mongodb.length, 1, m.name);
      assert.ok(!doc.includes(MOCK_SECRET_VALUE), `${m.name}: a secret in user-data`);
      const unit = files.get(`/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`)!.content;
      assert.match(unit, /mongodb-telegraf /);
      assert.match(unit, /mongodb-telegraf-ca /);
      assert.match(unit, /monitoring-host-telegraf-ca /);
    }
  });

  test("the members' role reads the Telegraf secrets; the password is a Pulumi secret, the CA in a secret of its own", () => {
    const policy = JSON.parse(
      String(byName(plan, "aws:iam/rolePolicy:RolePolicy", "mongodb-0").inputs.policy),
    );
    const resources = (policy.Statement as Json[]).flatMap((s) => [s.Resource].flat());
    for (const suffix of [
      "monitoring-host-telegraf",
      "monitoring-host-telegraf-ca",
      "mongodb-telegraf",
      "mongodb-telegraf-ca",
    ])
      assert.ok(
        resources.some((r: string) => r.endsWith(`secret/${suffix}`)),
        `${suffix}: ${JSON.stringify(resources)}`,
      );
    const version = byName(plan, "aws:secretsmanager/secretVersion:SecretVersion", "mongodb-telegraf");
    assert.equal((version.inputs as Json).secretString, "[secret]");
    // The CA has a secret of its own (fetched for Telegraf's user), apart from the members' keys.
    const ca = byName(plan, "aws:secretsmanager/secretVersion:SecretVersion", "mongodb-telegraf-ca");
    const caSecret = byName(plan, "aws:secretsmanager/secret:Secret", "mongodb-telegraf-ca");
    assert.equal((ca.inputs as Json).secretId, `${caSecret.name}-id`);
  });
});
