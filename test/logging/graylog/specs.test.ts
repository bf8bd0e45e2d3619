import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { graylogNetworkPolicies } from "../../../components/logging/graylog/network";
import { parse } from "yaml";
import { renderOpenSearchYml } from "../../../components/logging/graylog/opensearchSecurity";
import {
  configuratorJobSpec,
  graylogStatefulSetSpec,
  heapMiB,
  openSearchPodNames,
  openSearchStatefulSetSpec,
} from "../../../components/logging/graylog/specs";
import { GRAYLOG_SPEC_INPUT, OPENSEARCH_SPEC_INPUT } from "./support/specs";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- specs are free-form JSON
type Json = any;

const env = (c: Json) => Object.fromEntries((c.env as Json[]).map((e) => [e.name, e.value ?? e.valueFrom]));

describe("Graylog and OpenSearch specs", () => {
  test("the JVM heap is half the memory limit", () => {
    assert.equal(heapMiB("4Gi"), 2048);
    assert.equal(heapMiB("3000Mi"), 1500);
    assert.throws(() => heapMiB("4G"), /binary memory quantity/);
  });

  test("OpenSearch: every node a cluster-manager candidate, spread over zones, no mmap tuning needed", () => {
    const spec = openSearchStatefulSetSpec(OPENSEARCH_SPEC_INPUT) as Json;
    const c = spec.template.spec.containers[0];
    const e = env(c);
    const settings = parse(renderOpenSearchYml({ nodes: 3 }));
    assert.deepEqual(settings["cluster.initial_cluster_manager_nodes"], openSearchPodNames(3));
    assert.deepEqual(openSearchPodNames(3), ["opensearch-0", "opensearch-1", "opensearch-2"]);
    assert.equal(settings["node.store.allow_mmap"], false);
    assert.equal(e.OPENSEARCH_JAVA_OPTS, "-Xms2048m -Xmx2048m");
    assert.equal(spec.podManagementPolicy, "Parallel");
    assert.deepEqual(
      spec.template.spec.topologySpreadConstraints.map((t: Json) => t.topologyKey),
      ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
    );
    assert.equal(spec.template.spec.securityContext.runAsNonRoot, true);
    assert.ok(!spec.template.spec.initContainers, "no privileged sysctl init container");
  });

  test("Graylog: node 0 leads, secrets by reference, the MongoDB CA in the JVM truststore", () => {
    const spec = graylogStatefulSetSpec(GRAYLOG_SPEC_INPUT) as Json;
    // Read at start only: the Secret's digest on the template rolls the pods when it changes.
    assert.equal(
      spec.template.metadata.annotations["switchyard.io/config-digest"],
      GRAYLOG_SPEC_INPUT.configDigest,
    );
    const c = spec.template.spec.containers[0];
    assert.match(c.command.join(" "), /HOSTNAME##\*-.*= 0.*GRAYLOG_IS_LEADER=true.*GRAYLOG_IS_LEADER=false/);
    const e = env(c);
    assert.equal(e.GRAYLOG_HTTP_EXTERNAL_URI, "https://logs.example.com/");
    for (const key of [
      "GRAYLOG_PASSWORD_SECRET",
      "GRAYLOG_ROOT_PASSWORD_SHA2",
      "GRAYLOG_MONGODB_URI",
      "GRAYLOG_ELASTICSEARCH_HOSTS",
    ])
      assert.equal(e[key].secretKeyRef.name, "graylog-secret", key);
    assert.match(
      e.GRAYLOG_SERVER_JAVA_OPTS,
      /-Xmx2048m .*-Djavax\.net\.ssl\.trustStore=\/truststore\/cacerts/,
    );
    const init = spec.template.spec.initContainers[0];
    assert.match(init.command.join(" "), /keytool -importcert .*mongodb-ca\.crt/);
    assert.match(init.command.join(" "), /keytool -importcert .*opensearch-ca\.crt/);
    const cas = spec.template.spec.volumes.find((v: Json) => v.name === "trusted-cas");
    assert.deepEqual(
      cas.secret.items.map((i: Json) => i.key),
      ["mongodb-ca.crt", "opensearch-ca.crt"],
    );
    const kafkaCa = spec.template.spec.volumes.find((v: Json) => v.name === "kafka-ca");
    assert.equal(kafkaCa.secret.secretName, "logs-cluster-ca-cert");
    assert.equal(e.GRAYLOG_MESSAGE_JOURNAL_MAX_SIZE, "18gb", "below the 20 GiB volume");
  });

  test("the configurator Job: root password and Kafka password from Secrets, read-only, no retries forever", () => {
    const spec = configuratorJobSpec({
      image: "node:x",
      configMap: "cm",
      secret: "graylog-secret",
      kafkaUserSecret: "graylog",
      graylogUrl: "http://graylog:9000",
    }) as Json;
    const c = spec.template.spec.containers[0];
    const e = env(c);
    assert.deepEqual(e.GRAYLOG_PASSWORD.secretKeyRef, { name: "graylog-secret", key: "root-password" });
    assert.deepEqual(e.KAFKA_PASSWORD.secretKeyRef, { name: "graylog", key: "password" });
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.equal(spec.template.spec.restartPolicy, "Never");
    assert.ok(spec.backoffLimit > 0 && spec.activeDeadlineSeconds > 0);
  });

  test("OpenSearch's HTTP port admits Graylog and the security Job only, its transport port OpenSearch only", () => {
    const policy = graylogNetworkPolicies()["opensearch-ingress"] as Json;
    assert.deepEqual(policy.policyTypes, ["Ingress"]);
    const rules = policy.ingress.map((r: Json) => [
      r.from[0].podSelector.matchLabels["app.kubernetes.io/name"],
      r.ports[0].port,
    ]);
    assert.deepEqual(rules, [
      ["graylog", 9200],
      ["opensearch-security", 9200],
      ["opensearch", 9300],
    ]);
  });
});
