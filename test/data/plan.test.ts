/* eslint-disable @typescript-eslint/no-explicit-any -- planned resources carry free-form JSON inputs */
/**
 * The database hosts under Pulumi mocks (the real index.ts, offline): members per AZ, protected
 * encrypted volumes with the configured IOPS, exact security-group rules, Services and Secrets in
 * the apps namespace, stable names when a replica is added, and what an instance change replaces.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { MONGODB_PORT, MYSQL_PORT } from "../../model/ports";
import { byName, ofType, planStack, plannedVariant, type Plan } from "../helpers/plan";
import type { PlannedResource } from "../../scripts/lib/evaluate";
import { fakeIp } from "../../scripts/lib/mocks";

const INSTANCE = "aws:ec2/instance:Instance";
const ENI = "aws:ec2/networkInterface:NetworkInterface";
const VOLUME = "aws:ebs/volume:Volume";
const RECORD = "aws:route53/record:Record";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SERVICE = "kubernetes:core/v1:Service";
const SLICE = "kubernetes:discovery.k8s.io/v1:EndpointSlice";
const SECRET = "kubernetes:core/v1:Secret";

const prod = planStack("prod");

const variant = (edit: Parameters<typeof plannedVariant>[1]): Plan => plannedVariant("prod", edit);
const editDatabases = (change: (d: Record<string, any>) => void) => (c: Record<string, any>) => {
  const d = structuredClone(c["switchyard:databases"] ?? {});
  d.mysql ??= {};
  d.mongodb ??= {};
  change(d);
  c["switchyard:databases"] = d;
};

const members = (plan: Plan, prefix: string) =>
  ofType(plan, INSTANCE)
    .filter((r) => r.name.startsWith(`${prefix}-`))
    .map((r) => r.name)
    .sort();
const identity = (plan: Plan, name: string): PlannedResource[] => [
  byName(plan, ENI, name),
  byName(plan, VOLUME, `${name}-data`),
  byName(plan, RECORD, name),
];

describe("database hosts under mocks", () => {
  test("prod: 2 MySQL hosts and 3 MongoDB members, each in its own AZ and data subnet", () => {
    assert.deepEqual(members(prod, "mysql"), ["mysql-0", "mysql-1"]);
    assert.deepEqual(members(prod, "mongodb"), ["mongodb-0", "mongodb-1", "mongodb-2"]);
    for (const [prefix, n] of [
      ["mysql", 2],
      ["mongodb", 3],
    ] as const) {
      const names = Array.from({ length: n }, (_, i) => `${prefix}-${i}`);
      const subnets = names.map((m) => byName(prod, ENI, m).inputs.subnetId);
      const azs = names.map((m) => byName(prod, VOLUME, `${m}-data`).inputs.availabilityZone);
      assert.equal(new Set(azs).size, n, `${prefix}: distinct AZs ${azs}`);
      assert.deepEqual(
        subnets,
        azs.map((az) => `switchyard-data-${az}-id`),
      );
      for (const m of names) {
        const instance = byName(prod, INSTANCE, m);
        assert.deepEqual(instance.inputs.primaryNetworkInterface, { networkInterfaceId: `${m}-id` });
        assert.equal((instance.inputs.metadataOptions as { httpTokens: string }).httpTokens, "required");
        assert.equal(byName(prod, RECORD, m).inputs.name, `${m}.${prefix}.prod.switchyard.internal`);
      }
    }
  });

  test("data volumes: encrypted, protected, retained, with the configured IOPS and throughput, snapshotted daily", () => {
    const custom = variant(
      editDatabases((d) => {
        d.mysql.volume = { type: "gp3", sizeGiB: 200, iops: 6000, throughputMiBps: 500 };
        d.mongodb.volume = { type: "io2", sizeGiB: 100, iops: 8000 };
        d.snapshotRetentionDays = 30;
      }),
    );
    for (const plan of [prod, custom]) {
      const volumes = ofType(plan, VOLUME).filter((v) => /^(mysql|mongodb)-/.test(v.name));
      assert.equal(volumes.length, 5);
      for (const v of volumes) {
        assert.equal(v.inputs.encrypted, true, v.name);
        assert.equal(v.options.protect, true, v.name);
        assert.equal(v.options.retainOnDelete, true, v.name);
        assert.equal((v.inputs.tags as Record<string, string>).Role, v.name.split("-")[0]);
      }
    }
    const mysql0 = byName(custom, VOLUME, "mysql-0-data").inputs;
    assert.deepEqual([mysql0.type, mysql0.size, mysql0.iops, mysql0.throughput], ["gp3", 200, 6000, 500]);
    const mongo0 = byName(custom, VOLUME, "mongodb-0-data").inputs;
    assert.deepEqual([mongo0.type, mongo0.iops, mongo0.throughput], ["io2", 8000, undefined]);
    const prodMysql = byName(prod, VOLUME, "mysql-1-data").inputs;
    assert.deepEqual([prodMysql.type, prodMysql.iops, prodMysql.throughput], ["gp3", 3000, 250]);
    const dlm = byName(custom, "aws:dlm/lifecyclePolicy:LifecyclePolicy", "mysql-volumes").inputs as any;
    assert.deepEqual(dlm.policyDetails.schedules[0].retainRule, { interval: 30, intervalUnit: "DAYS" });
    assert.deepEqual(dlm.policyDetails.targetTags, { SnapshotPolicy: "mysql-prod" });
  });

  test("security-group rules: only the nodes and the members themselves reach the database ports", () => {
    const rules = [...ofType(prod, INGRESS), ...ofType(prod, EGRESS)]
      .filter((r) => r.inputs.securityGroupId === "switchyard-databases-id")
      .map((r) => {
        const i = r.inputs;
        const peer = i.referencedSecurityGroupId ? `sg:${i.referencedSecurityGroupId}` : `cidr:${i.cidrIpv4}`;
        return `${r.type === INGRESS ? "ingress" : "egress"} ${i.ipProtocol} ${i.fromPort}-${i.toPort} ${peer}`;
      })
      .sort();
    assert.deepEqual(rules, [
      `egress tcp ${MONGODB_PORT}-${MONGODB_PORT} sg:switchyard-databases-id`,
      `egress tcp ${MYSQL_PORT}-${MYSQL_PORT} sg:switchyard-databases-id`,
      "egress tcp 443-443 cidr:0.0.0.0/0",
      // The members' Telegraf writes to the monitoring stack's internal metrics NLB, nothing else.
      "egress tcp 8086-8086 sg:monitoring-metrics-lb-id",
      // Fluent Bit ships the hosts' journals through the hosts' Kafka NLB (docs/logging.md).
      "egress tcp 9094-9097 sg:logging-kafka-lb-id",
      `ingress tcp ${MONGODB_PORT}-${MONGODB_PORT} sg:switchyard-databases-id`,
      `ingress tcp ${MONGODB_PORT}-${MONGODB_PORT} sg:switchyard-nodes-id`,
      `ingress tcp ${MYSQL_PORT}-${MYSQL_PORT} sg:switchyard-databases-id`,
      `ingress tcp ${MYSQL_PORT}-${MYSQL_PORT} sg:switchyard-nodes-id`,
    ]);
    const mysqlOff = variant(editDatabases((d) => (d.mysql.enabled = false)));
    const left = ofType(mysqlOff, INGRESS).filter(
      (r) => r.inputs.securityGroupId === "switchyard-databases-id",
    );
    assert.ok(
      left.every((r) => r.inputs.fromPort === MONGODB_PORT),
      "a disabled engine opens nothing",
    );
    assert.deepEqual(members(mysqlOff, "mysql"), []);
  });

  test("Services, EndpointSlices and Secrets live in the apps namespace and point at the members' interfaces", () => {
    const apps = (prod.outputs.kubernetesNamespaces as Record<string, string>).apps;
    // The mock gives each interface a fixed address from its name; the slices carry exactly those.
    const ip = (m: string) => fakeIp(m);
    const services = ofType(prod, SERVICE).filter((s) => /^(mysql|mongodb)/.test(s.name));
    assert.deepEqual(services.map((s) => (s.inputs.metadata as any).name).sort(), [
      "mongodb",
      "mysql-primary",
      "mysql-replicas",
    ]);
    for (const s of services) {
      assert.equal((s.inputs.metadata as any).namespace, apps);
      assert.equal(
        (s.inputs.spec as any).selector,
        undefined,
        "no selector: the EndpointSlice names the members",
      );
    }
    const slice = (name: string) =>
      ofType(prod, SLICE).find((r) => (r.inputs.metadata as any).name === name)!.inputs as any;
    const addresses = (name: string) => slice(name).endpoints.flatMap((e: any) => e.addresses);
    assert.equal(slice("mysql-primary").metadata.labels["kubernetes.io/service-name"], "mysql-primary");
    assert.deepEqual(addresses("mysql-primary"), [ip("mysql-0")]);
    assert.deepEqual(addresses("mysql-replicas"), [ip("mysql-1")]);
    assert.deepEqual(addresses("mongodb"), ["mongodb-0", "mongodb-1", "mongodb-2"].map(ip));
    const secrets = ofType(prod, SECRET).filter((s) =>
      ["mysql", "mongodb"].includes((s.inputs.metadata as any)?.name),
    );
    assert.equal(secrets.length, 2);
    for (const s of secrets) {
      assert.equal((s.inputs.metadata as any).namespace, apps);
      assert.doesNotMatch(JSON.stringify(s.inputs), /[A-Za-z0-9]{32}/, "no generated password in the plan");
    }
  });

  test("credentials are random, kept only as secrets, and hosts read them with their own role", () => {
    const passwords = ofType(prod, "random:index/randomPassword:RandomPassword").filter((r) =>
      /^(mysql|mongodb)-/.test(r.name),
    );
    assert.deepEqual(passwords.map((p) => p.name).sort(), [
      "mongodb-credentials-admin",
      "mongodb-credentials-app",
      // The host Telegraf's clusterMonitor user (inputs.mongodb).
      "mongodb-credentials-monitor",
      // Graylog's platform-service user (logging is on in prod).
      "mongodb-credentials-service-graylog",
      "mongodb-keyfile-keyfile",
      "mysql-credentials-app",
      "mysql-credentials-monitor",
      "mysql-credentials-replication",
    ]);
    for (const p of passwords) assert.deepEqual([p.inputs.length, p.inputs.special], [32, false]);
    const version = byName(prod, "aws:secretsmanager/secretVersion:SecretVersion", "mysql-credentials");
    assert.equal(version.inputs.secretString, "[secret]");
    const policy = JSON.parse(String(byName(prod, "aws:iam/rolePolicy:RolePolicy", "mysql-1").inputs.policy));
    assert.deepEqual(
      policy.Statement.map((s: any) => s.Action),
      // Its TLS and credentials secrets, the primary's parameter, Telegraf's two secrets, Fluent Bit's.
      [
        "secretsmanager:GetSecretValue",
        "ssm:GetParameter",
        "secretsmanager:GetSecretValue",
        "secretsmanager:GetSecretValue",
        "secretsmanager:GetSecretValue",
      ],
    );
    for (const m of [...members(prod, "mysql"), ...members(prod, "mongodb")]) {
      const userData = String(byName(prod, INSTANCE, m).inputs.userData);
      assert.doesNotMatch(userData, /\[secret\]|BEGIN [A-Z ]*PRIVATE KEY/, m);
    }
  });

  test("adding a replica adds a member and renames, moves or changes no existing one", () => {
    const three = variant(editDatabases((d) => (d.mysql.replicas = 2)));
    assert.deepEqual(members(three, "mysql"), ["mysql-0", "mysql-1", "mysql-2"]);
    for (const m of ["mysql-0", "mysql-1"]) {
      for (const [before, after] of identity(prod, m).map((r, i) => [r, identity(three, m)[i]])) {
        assert.equal(after.urn, before.urn);
        assert.deepEqual(after.inputs, before.inputs, `${before.type} ${before.name} is unchanged`);
      }
    }
    const azs = ["mysql-0", "mysql-1", "mysql-2"].map(
      (m) => byName(three, VOLUME, `${m}-data`).inputs.availabilityZone,
    );
    assert.equal(new Set(azs).size, 3);
  });

  test("a new instance type or pinned AMI replaces the instance, not its volume or its name", () => {
    const before = variant(editDatabases((d) => (d.mysql.ami = "ami-0123456789abcdef0")));
    const after = variant(
      editDatabases((d) => {
        d.mysql.ami = "ami-0fedcba9876543210";
        d.mysql.instanceType = "r7i.xlarge";
      }),
    );
    for (const m of ["mysql-0", "mysql-1"]) {
      const [old, next] = [byName(before, INSTANCE, m), byName(after, INSTANCE, m)];
      assert.equal(next.urn, old.urn);
      assert.deepEqual([old.inputs.instanceType, next.inputs.instanceType], ["r7i.large", "r7i.xlarge"]);
      assert.deepEqual([old.inputs.ami, next.inputs.ami], ["ami-0123456789abcdef0", "ami-0fedcba9876543210"]);
      // Both changed properties are replace-on-change; the old instance goes first (it owns the ENI).
      assert.deepEqual(next.options.replaceOnChanges.sort(), ["ami", "instanceType"]);
      assert.equal(next.options.deleteBeforeReplace, true);
      for (const [a, b] of identity(before, m).map((r, i) => [r, identity(after, m)[i]])) {
        assert.equal(b.urn, a.urn);
        assert.deepEqual(b.inputs, a.inputs, `${a.type} ${a.name} is untouched`);
      }
      // The volume cannot be replaced by accident, and the attachment re-attaches it by id.
      assert.equal(byName(after, VOLUME, `${m}-data`).options.protect, true);
      const attachment = byName(after, "aws:ec2/volumeAttachment:VolumeAttachment", `${m}-data`).inputs;
      assert.equal(attachment.volumeId, `${m}-data-id`);
    }
    // Without a pin the AMI lookup drifts with Amazon's releases: that drift is ignored, not a replacement.
    const unpinned = byName(prod, INSTANCE, "mysql-0").options;
    assert.ok(unpinned.ignoreChanges.includes("ami"));
    assert.deepEqual(unpinned.replaceOnChanges, ["instanceType"]);
  });
});
