/** Fluent Bit's rendered configurations (pods and hosts) against the upstream plugin table. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import {
  checkConfig,
  hostConfig,
  PASSWORD_ENV,
  podConfig,
  renderConfig,
  type FluentBitConfig,
} from "../../components/common/fluentbit/config";
import { fluentBitDaemonSetSpec, FLUENT_BIT_IMAGE } from "../../components/logging/fluentbit/daemonset";
import { PLUGINS } from "../../components/common/fluentbit/plugins";
import { LOG_FORMAT } from "../../components/logging/types";

const kafka = {
  brokers: "logs-kafka-bootstrap.logging.svc.cluster.local:9093",
  topic: "logs",
  username: "fluent-bit",
  bufferMiB: 2048,
};
const pod = () => podConfig({ kafka, memBufLimitMiB: 32 });
const host = () =>
  hostConfig({
    role: "edge",
    units: ["haproxy.service", "switchyard-agent.service"],
    kafka: { ...kafka, username: "host-logs", bufferMiB: 512 },
  });

describe("Fluent Bit configuration", () => {
  for (const [label, config] of [
    ["pods", pod],
    ["hosts", host],
  ] as const) {
    test(`${label}: renders to YAML that parses back to the same configuration, naming only real plugins and options`, () => {
      const text = renderConfig(config());
      assert.deepEqual(parse(text), config());
      assert.deepEqual(checkConfig(config()), []);
      for (const [kind, sections] of Object.entries(config().pipeline))
        for (const s of sections as FluentBitConfig["pipeline"]["inputs"]) {
          const k = kind.replace(/s$/, "") as keyof typeof PLUGINS;
          assert.ok(PLUGINS[k][String(s.name)], `${kind} ${s.name}`);
        }
    });

    test(`${label}: writes GELF with the Graylog keys to the logs topic over SASL_SSL, the password from the environment`, () => {
      const text = renderConfig(config());
      const [out] = config().pipeline.outputs;
      assert.equal(out.name, "kafka");
      assert.equal(out.format, LOG_FORMAT.encoding);
      assert.equal(out.gelf_short_message_key, LOG_FORMAT.messageKey);
      assert.equal(out.gelf_host_key, LOG_FORMAT.hostKey);
      assert.equal(out.topics, "logs");
      assert.equal(out["rdkafka.security.protocol"], "SASL_SSL");
      assert.equal(out["rdkafka.sasl.mechanisms"], "SCRAM-SHA-512");
      assert.equal(out["rdkafka.ssl.endpoint.identification.algorithm"], "https");
      assert.equal(out["rdkafka.sasl.password"], `\${${PASSWORD_ENV}}`);
      assert.equal(out["rdkafka.request.required.acks"], "-1", "acks=all");
      assert.doesNotMatch(text, /password:\s*[A-Za-z0-9]{16,}/, "no literal password");
    });

    test(`${label}: buffers on the filesystem with no retry limit, so an outage queues instead of dropping`, () => {
      const c = config();
      assert.match(String(c.service["storage.path"]), /^\/var\/lib\/fluent-bit\//);
      for (const i of c.pipeline.inputs) assert.equal(i["storage.type"], "filesystem", String(i.name));
      const [out] = c.pipeline.outputs;
      assert.equal(out.retry_limit, "no_limits");
      assert.equal(out["rdkafka.message.timeout.ms"], "0", "librdkafka never expires a queued message");
    });

    test(`${label}: the GELF Lua filter runs before the output, on every record`, () => {
      const lua = config().pipeline.filters.find((f) => f.name === "lua");
      assert.ok(lua);
      assert.equal(lua.match, "*");
      assert.equal(lua.call, "to_gelf");
      assert.equal(lua.type_int_key, "level");
    });
  }

  test("buffer sizes and the tail's memory limit come from the arguments", () => {
    const c = podConfig({ kafka: { ...kafka, bufferMiB: 777 }, memBufLimitMiB: 9 });
    assert.equal(c.pipeline.outputs[0]["storage.total_limit_size"], "777M");
    assert.equal(c.pipeline.inputs[0].mem_buf_limit, "9M");
  });

  test("pods: tails the containers' logs and enriches them with the Kubernetes filter, merging JSON", () => {
    const c = pod();
    assert.equal(c.pipeline.inputs[0].name, "tail");
    assert.equal(c.pipeline.inputs[0].path, "/var/log/containers/*.log");
    const k8s = c.pipeline.filters.find((f) => f.name === "kubernetes");
    assert.equal(k8s?.merge_log, "on");
    assert.equal(
      k8s?.keep_log,
      "off",
      "so JSON lines have no log key: the Lua filter supplies short_message",
    );
  });

  test("hosts: read exactly the given units from the journal and tag the role", () => {
    const c = host();
    assert.deepEqual(c.pipeline.inputs[0].systemd_filter, [
      "_SYSTEMD_UNIT=haproxy.service",
      "_SYSTEMD_UNIT=switchyard-agent.service",
    ]);
    assert.equal(c.pipeline.inputs[0].systemd_filter_type, "or");
    assert.equal(c.pipeline.filters.find((f) => f.name === "record_modifier")?.record, "role edge");
  });

  test("an unknown plugin, option, librdkafka property or service key is refused", () => {
    const bad = pod();
    bad.pipeline.inputs[0].mem_buffer_limit = "5M";
    bad.pipeline.outputs[0]["rdkafka.sasl.mechanism"] = "PLAIN";
    bad.pipeline.filters.push({ name: "grep_everything", match: "*" });
    bad.service.storage_path = "/tmp";
    assert.deepEqual(checkConfig(bad).sort(), [
      'filter plugin "grep_everything" is not one we know',
      "input tail: unknown option mem_buffer_limit",
      "output kafka: unknown option rdkafka.sasl.mechanism",
      "service: unknown key storage_path",
    ]);
    assert.throws(() => renderConfig(bad), /invalid Fluent Bit configuration/);
  });
});

describe("Fluent Bit DaemonSet", () => {
  const resources = { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "512Mi" } };
  const spec = fluentBitDaemonSetSpec({
    image: FLUENT_BIT_IMAGE,
    configMap: "cm",
    serviceAccountName: "sa",
    passwordSecret: "fluent-bit",
    caSecret: "logs-cluster-ca-cert",
    resources,
  });
  const [c] = spec.template.spec.containers;

  test("limits from the arguments, a pinned image, probes, no privilege", () => {
    assert.deepEqual(c.resources, resources);
    assert.match(c.image, /:\d+\.\d+\.\d+$/);
    assert.ok(c.livenessProbe && c.readinessProbe);
    assert.equal(c.securityContext.allowPrivilegeEscalation, false);
    assert.equal(c.securityContext.readOnlyRootFilesystem, true);
    assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"]);
  });

  test("the password comes from the KafkaUser's Secret, the CA from the cluster CA Secret; the buffer is on the node", () => {
    const pw = c.env.find((e) => e.name === PASSWORD_ENV);
    assert.deepEqual(pw?.valueFrom, { secretKeyRef: { name: "fluent-bit", key: "password" } });
    const vols = Object.fromEntries(spec.template.spec.volumes.map((v) => [v.name, v]));
    assert.equal(vols["kafka-ca"].secret?.secretName, "logs-cluster-ca-cert");
    assert.equal(vols.state.hostPath?.path, "/var/lib/fluent-bit");
    assert.equal(vols.varlog.hostPath?.path, "/var/log");
    assert.ok(c.volumeMounts.find((m) => m.name === "varlog")?.readOnly);
  });
});
