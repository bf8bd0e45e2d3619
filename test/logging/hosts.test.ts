/**
 * Host log shipping in prod's offline plan: every EC2 host's user-data installs Fluent Bit reading
 * its units' journal and writing to the logs topic through the hosts' internal Kafka load
 * balancer, which only the host roles reach. (`cloud-init schema` and `systemd-analyze verify`
 * of these same documents: test/routing-tier/host-documents.test.ts.)
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { checkConfig, HOST_PATHS, type FluentBitConfig } from "../../components/common/fluentbit/config";
import { GELF_LUA } from "../../components/common/fluentbit/lua";
import { cpuQuotaPercent, FLUENT_BIT_HOST, memoryMax } from "../../components/common/host/fluentBit";
import { MONGODB_LOG_UNITS } from "../../components/data/mongodb/cluster";
import { MYSQL_LOG_UNITS } from "../../components/data/mysql/cluster";
import { EDGE_LOG_UNITS } from "../../components/edge/render/userData";
import { ETCD_LOG_UNITS } from "../../components/etcd/render/userData";
import { HOSTS_PORTS } from "../../components/logging/kafka/specs";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { byName, ofType, planStack } from "../helpers/plan";
import { userDataDocuments } from "../helpers/userData";
import { writtenFiles } from "../helpers/host";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form JSON
type Json = any;

describe("host log shipping in the prod plan", () => {
  const plan = planStack("prod");
  const documents = userDataDocuments(plan);
  const lb = byName(plan, "aws:lb/loadBalancer:LoadBalancer", "logging-kafka");
  const kafkaSpec = byName(plan, "kubernetes:kafka.strimzi.io/v1:Kafka", "logging-kafka").inputs.spec as Json;
  /** The NLB's DNS name, as the brokers advertise it. */
  const address: string = kafkaSpec.kafka.listeners.find((l: Json) => l.name === "hosts").configuration
    .bootstrap.alternativeNames[0];
  const expectedUnits: [RegExp, string, string[]][] = [
    [/^launch template edge-/, "edge", EDGE_LOG_UNITS],
    [/^instance etcd-/, "etcd", ETCD_LOG_UNITS],
    [/^instance mysql-/, "mysql", MYSQL_LOG_UNITS],
    [/^instance mongodb-/, "mongodb", MONGODB_LOG_UNITS],
  ];

  test("every EC2 host's user-data ships its own units' journal to the logs topic through the Kafka NLB", () => {
    assert.equal(documents.length, 10, "3 etcd, 2 MySQL, 3 MongoDB, 2 fleet templates");
    for (const doc of documents) {
      const files = writtenFiles(doc.text);
      const file = files.get(HOST_PATHS.config);
      assert.ok(file, `${doc.owner}: Fluent Bit configuration`);
      const config = parse(file.content) as FluentBitConfig;
      assert.deepEqual(checkConfig(config), [], doc.owner);
      const [, role, units] = expectedUnits.find(([re]) => re.test(doc.owner))!;
      const [input] = config.pipeline.inputs;
      assert.equal(input.name, "systemd");
      assert.deepEqual(
        input.systemd_filter,
        units.map((u) => `_SYSTEMD_UNIT=${u}`),
        doc.owner,
      );
      assert.equal(config.pipeline.filters.find((f) => f.name === "record_modifier")?.record, `role ${role}`);
      const [out] = config.pipeline.outputs;
      assert.match(address, /^logging-kafka-.*\.elb\./);
      assert.equal(out.brokers, `${address}:${HOSTS_PORTS.bootstrap.port}`);
      assert.equal(out["rdkafka.sasl.username"], "host-logs");
      assert.equal(out["rdkafka.ssl.ca.location"], `${HOST_PATHS.secretsDir}/${HOST_PATHS.caFile}`);
      assert.equal(files.get(HOST_PATHS.script)?.content, GELF_LUA, doc.owner);
      const dropIn = files.get(FLUENT_BIT_HOST.dropIn)?.content ?? "";
      assert.match(dropIn, /^EnvironmentFile=\/etc\/fluent-bit\/secrets\/kafka\.env$/m, doc.owner);
      assert.match(dropIn, /^CPUQuota=20%$/m);
      assert.match(dropIn, /^MemoryMax=268435456$/m);
      const cloudConfig = parse(doc.text) as Json;
      assert.ok(cloudConfig.packages.includes("fluent-bit"), doc.owner);
      assert.equal(cloudConfig.yum_repos["fluent-bit"].gpgcheck, true, doc.owner);
      assert.ok(JSON.stringify(cloudConfig.runcmd).includes(FLUENT_BIT_HOST.service), doc.owner);
      assert.doesNotMatch(
        doc.text,
        /KAFKA_PASSWORD=|BEGIN CERTIFICATE|PRIVATE KEY/,
        `${doc.owner}: no credential in user-data`,
      );
    }
  });

  test("the hosts' credentials are one Secrets Manager secret (password and CA), readable by each host role", () => {
    const version = byName(plan, "aws:secretsmanager/secretVersion:SecretVersion", "logging-host-logs");
    assert.equal(version.inputs.secretString, SECRET_PLACEHOLDER);
    const policies = ofType(plan, "aws:iam/rolePolicy:RolePolicy").map((p) => ({
      name: p.name,
      text: String(p.inputs.policy),
    }));
    for (const role of ["edge-blue", "edge-green", "etcd-0", "mysql-0", "mongodb-0"]) {
      const policy = policies.find((p) => p.name.startsWith(role));
      assert.ok(policy, `${role} policy`);
      const statements = JSON.parse(policy.text).Statement as Json[];
      assert.ok(
        statements.some(
          (s) =>
            s.Action === "secretsmanager:GetSecretValue" &&
            String(s.Resource).includes("secret/logging-host-logs"),
        ),
        `${role} reads the host-logs secret`,
      );
    }
  });

  test("the Kafka NLB admits only the host roles, on the bootstrap and broker ports, and reaches the nodes only on the node ports", () => {
    const rules = [
      ...ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule"),
      ...ofType(plan, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"),
    ]
      .filter((r) => r.name.startsWith("logging-kafka-"))
      .map(
        (r) =>
          `${r.name} ${r.inputs.fromPort}-${r.inputs.toPort} ${r.inputs.referencedSecurityGroupId ?? r.inputs.cidrIpv4}`,
      )
      .sort();
    const [low, high] = [HOSTS_PORTS.bootstrap.port, HOSTS_PORTS.broker(2).port];
    const [nlow, nhigh] = [HOSTS_PORTS.bootstrap.nodePort, HOSTS_PORTS.broker(2).nodePort];
    assert.deepEqual(rules, [
      `logging-kafka-databases-egress-logs-to-kafka ${low}-${high} logging-kafka-lb-id`,
      `logging-kafka-etcd-egress-logs-to-kafka ${low}-${high} logging-kafka-lb-id`,
      `logging-kafka-haproxy-egress-logs-to-kafka ${low}-${high} logging-kafka-lb-id`,
      `logging-kafka-lb-egress-to-nodes ${nlow}-${nhigh} switchyard-nodes-id`,
      `logging-kafka-lb-ingress-from-databases ${low}-${high} switchyard-databases-id`,
      `logging-kafka-lb-ingress-from-etcd ${low}-${high} switchyard-etcd-id`,
      `logging-kafka-lb-ingress-from-haproxy ${low}-${high} switchyard-haproxy-id`,
      `logging-kafka-nodes-ingress-kafka-from-kafka-lb ${nlow}-${nhigh} logging-kafka-lb-id`,
    ]);
    assert.equal(lb.inputs.internal, true);
    assert.equal(
      ofType(plan, "aws:lb/listener:Listener").filter((l) => l.name.startsWith("logging-kafka-")).length,
      4,
      "bootstrap + 3 brokers",
    );
  });

  test("Kafka's hosts listener: TLS + SCRAM on the fixed node ports, advertising the NLB's name and each broker's port", () => {
    const hosts = kafkaSpec.kafka.listeners.find((l: Json) => l.name === "hosts");
    assert.equal(hosts.type, "nodeport");
    assert.equal(hosts.tls, true);
    assert.equal(hosts.authentication.type, "scram-sha-512");
    assert.equal(hosts.configuration.bootstrap.nodePort, HOSTS_PORTS.bootstrap.nodePort);
    assert.deepEqual(
      hosts.configuration.brokers,
      [0, 1, 2].map((id) => ({
        broker: id,
        nodePort: HOSTS_PORTS.broker(id).nodePort,
        advertisedHost: address,
        advertisedPort: HOSTS_PORTS.broker(id).port,
      })),
    );
  });

  test("systemd bounds from Kubernetes-style quantities", () => {
    assert.equal(cpuQuotaPercent("200m"), "20%");
    assert.equal(cpuQuotaPercent("1.5"), "150%");
    assert.equal(memoryMax("256Mi"), String(256 * 1024 * 1024));
    assert.equal(memoryMax("1G"), "1000000000");
    assert.throws(() => memoryMax("lots"), /memory quantity/);
  });
});
