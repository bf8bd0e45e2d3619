/** The logging stack in prod's offline plan (Pulumi mocks): what reaches the cluster. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { checkConfig, type FluentBitConfig } from "../../components/common/fluentbit/config";
import { aclsFor, KAFKA_USERS } from "../../components/logging/kafka/specs";
import { STRIMZI } from "../../components/logging/kafka/versions";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { byName, descendantsOf, ofType, planStack } from "../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form JSON
type Json = any;

describe("logging in the prod plan", () => {
  const plan = planStack("prod");
  const component = byName(plan, "switchyard:logging:Logging", "logging");
  const children = descendantsOf(plan, component.urn);
  const strimzi = children.filter((r) => r.type.startsWith("kubernetes:kafka.strimzi.io/"));
  const crds = byName(plan, "kubernetes:yaml/v2:ConfigFile", "logging-strimzi-crds");
  const operator = byName(plan, "kubernetes:helm.sh/v3:Release", "logging-strimzi");
  const spec = (type: string, name: string): Json => byName(plan, type, name).inputs.spec;

  test("the operator is the pinned Strimzi chart without its CRDs, which Pulumi applies first from the same release", () => {
    assert.equal(operator.inputs.chart, STRIMZI.chart);
    assert.equal(operator.inputs.version, STRIMZI.version);
    assert.equal(operator.inputs.skipCrds, true);
    assert.equal(operator.inputs.namespace, "logging");
    assert.equal(crds.inputs.file, STRIMZI.crdsUrl);
    assert.ok(crds.inputs.file.includes(`/${STRIMZI.version}/strimzi-crds-${STRIMZI.version}.yaml`));
    assert.ok(operator.options.dependsOn.includes(crds.urn));
    assert.equal(crds.options.protect, true, "deleting the CRDs would delete every Kafka resource");
  });

  test("Kafka, both node pools, the topic and the four users use kafka.strimzi.io/v1 and wait for the CRDs and the operator", () => {
    assert.deepEqual(
      strimzi.map((r) => `${r.type.split(":").pop()} ${(r.inputs.metadata as Json).name}`).sort(),
      [
        "Kafka logs",
        "KafkaNodePool brokers",
        "KafkaNodePool controllers",
        "KafkaTopic logs",
        "KafkaUser app-logs",
        "KafkaUser fluent-bit",
        "KafkaUser graylog",
        "KafkaUser host-logs",
      ],
    );
    for (const r of strimzi) {
      assert.equal(r.type.split(":")[1], "kafka.strimzi.io/v1", r.name);
      assert.equal(r.inputs.apiVersion, "kafka.strimzi.io/v1", r.name);
      assert.ok(r.options.dependsOn.includes(crds.urn), `${r.name} depends on the CRDs`);
      assert.ok(r.options.dependsOn.includes(operator.urn), `${r.name} depends on the operator`);
      assert.equal((r.inputs.metadata as Json).labels["strimzi.io/cluster"], "logs", r.name);
    }
  });

  test("KRaft: a controller pool and a broker pool, spread over the zones, rack-aware, on retained gp3 volumes", () => {
    const kafka = spec("kubernetes:kafka.strimzi.io/v1:Kafka", "logging-kafka");
    assert.equal(kafka.zookeeper, undefined);
    assert.equal(kafka.kafka.rack.topologyKey, "topology.kubernetes.io/zone");
    for (const [name, role, size] of [
      ["controllers", "controller", "20Gi"],
      ["brokers", "broker", "100Gi"],
    ]) {
      const pool = spec("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", `logging-kafka-${name}`);
      assert.deepEqual(pool.roles, [role]);
      assert.equal(pool.replicas, 3, name);
      const [volume] = pool.storage.volumes;
      assert.deepEqual(
        [volume.type, volume.class, volume.size, volume.deleteClaim],
        ["persistent-claim", "gp3", size, false],
      );
      const zone = pool.template.pod.topologySpreadConstraints.find(
        (c: Json) => c.topologyKey === "topology.kubernetes.io/zone",
      );
      assert.equal(zone.whenUnsatisfiable, "DoNotSchedule", `${name}: one per zone, three zones`);
      assert.equal(zone.labelSelector.matchLabels["strimzi.io/pool-name"], name);
    }
    const zones = ofType(plan, "aws:ec2/subnet:Subnet").filter((s) => s.name.includes("private"));
    assert.equal(
      new Set(zones.map((s) => s.inputs.availabilityZone)).size,
      3,
      "prod has three zones to spread over",
    );
  });

  test("the logs topic: replication 3, min.insync.replicas 2, retention from config", () => {
    const topic = spec("kubernetes:kafka.strimzi.io/v1:KafkaTopic", "logging-kafka-topic");
    assert.equal(topic.topicName, "logs");
    assert.equal(topic.replicas, 3);
    assert.equal(topic.config["min.insync.replicas"], 2);
    assert.equal(topic.config["retention.ms"], 72 * 3_600_000);
    const kafka = spec("kubernetes:kafka.strimzi.io/v1:Kafka", "logging-kafka");
    assert.equal(kafka.kafka.config["min.insync.replicas"], 2);
    assert.equal(kafka.kafka.config["auto.create.topics.enable"], false);
  });

  test("each user has SCRAM credentials and exactly its ACLs: writers write the topic, Graylog reads it with its group", () => {
    const users = ofType(plan, "kubernetes:kafka.strimzi.io/v1:KafkaUser");
    const byUser = Object.fromEntries(
      users.map((u) => [(u.inputs.metadata as Json).name, u.inputs.spec as Json]),
    );
    for (const { name, access } of Object.values(KAFKA_USERS)) {
      assert.equal(byUser[name].authentication.type, "scram-sha-512", name);
      assert.equal(byUser[name].authorization.type, "simple", name);
      assert.deepEqual(byUser[name].authorization.acls, aclsFor(access, "logs"), name);
    }
    const ops = (name: string) =>
      (byUser[name].authorization.acls as Json[]).flatMap((a: Json) =>
        a.operations.map((o: string) => `${a.resource.type}:${a.resource.name}:${o}`),
      );
    assert.deepEqual(ops("fluent-bit"), ["topic:logs:Write", "topic:logs:Describe"]);
    assert.deepEqual(ops("app-logs"), ["topic:logs:Write", "topic:logs:Describe"]);
    assert.deepEqual(ops("graylog"), ["topic:logs:Read", "topic:logs:Describe", "group:graylog:Read"]);
    for (const u of users)
      assert.doesNotMatch(
        JSON.stringify(u.inputs.spec),
        /"(All|Create|Delete|Alter)"|"\*"[,}]\s*"patternType"|"prefix"/,
      );
    // Hosts' and apps' passwords are ours (Secrets Manager / exports), read by Strimzi from our Secret.
    for (const name of ["host-logs", "app-logs"]) {
      assert.deepEqual(byUser[name].authentication.password.valueFrom.secretKeyRef, {
        name: `${name}-password`,
        key: "password",
      });
      const secret = byName(plan, "kubernetes:core/v1:Secret", `logging-kafka-${name}-password`);
      assert.equal(secret.inputs.stringData, SECRET_PLACEHOLDER);
    }
  });

  test("the Fluent Bit DaemonSet writes to the logs topic over TLS as fluent-bit, with limits from config", () => {
    const ds = byName(plan, "kubernetes:apps/v1:DaemonSet", "logging-fluent-bit");
    const [c] = (ds.inputs.spec as Json).template.spec.containers;
    assert.deepEqual(c.resources, {
      requests: { cpu: "100m", memory: "128Mi" },
      limits: { cpu: "500m", memory: "512Mi" },
    });
    const cm = byName(plan, "kubernetes:core/v1:ConfigMap", "logging-fluent-bit");
    const config = parse((cm.inputs.data as Json)["fluent-bit.yaml"]) as FluentBitConfig;
    assert.deepEqual(checkConfig(config), []);
    const [out] = config.pipeline.outputs;
    assert.equal(out.brokers, "logs-kafka-bootstrap.logging.svc.cluster.local:9093");
    assert.equal(out["rdkafka.sasl.username"], "fluent-bit");
    assert.equal(out["storage.total_limit_size"], "2048M");
    assert.ok(ds.options.dependsOn.some((u) => u.endsWith("KafkaUser::logging-kafka-user-fluent-bit")));
  });

  test("every container, operator and operator-made pod is sized, and the policy pack finds nothing", () => {
    const policies = plan.policies as { evaluated: string[]; violations: unknown[] };
    assert.ok(policies.evaluated.includes("k8s-container-resources"));
    assert.deepEqual(policies.violations, []);
    assert.ok((operator.inputs.values as Json).resources.limits.memory);
    const kafka = spec("kubernetes:kafka.strimzi.io/v1:Kafka", "logging-kafka");
    for (const op of ["topicOperator", "userOperator"])
      assert.ok(kafka.entityOperator[op].resources.limits.cpu, op);
  });

  test("no password or key in a ConfigMap; secrets only in Secrets, as Pulumi secrets", () => {
    for (const cm of children.filter((r) => r.type === "kubernetes:core/v1:ConfigMap")) {
      const text = JSON.stringify(cm.inputs.data);
      assert.ok(!text.includes(SECRET_PLACEHOLDER), cm.name);
      assert.doesNotMatch(text, /PRIVATE KEY|sasl\.password: (?!\$\{)/, cm.name);
    }
    const caKey = byName(plan, "kubernetes:core/v1:Secret", "logging-kafka-cluster-ca");
    assert.equal(caKey.inputs.stringData, SECRET_PLACEHOLDER);
    assert.equal(plan.outputs.logsKafkaPassword, SECRET_PLACEHOLDER);
    assert.equal(plan.outputs.logsKafkaUsername, "app-logs");
  });
});
