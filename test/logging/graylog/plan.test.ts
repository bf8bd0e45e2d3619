/** Graylog in prod's offline plan (Pulumi mocks): what reaches the cluster, and what stays put on an update. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { openSearchDnsNames } from "../../../components/logging/graylog/opensearchSecurity";
import { rootPasswordSha2 } from "../../../components/logging/graylog/secrets";
import { SECRET_PLACEHOLDER } from "../../../scripts/lib/evaluate";
import { autoName, mockResource } from "../../../scripts/lib/mocks";
import {
  byName,
  descendantsOf,
  ofType,
  planStack,
  plannedVariant,
  planVariant,
  type Plan,
} from "../../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form
type Json = any;

/** The certificate the mock provider returns for a SelfSignedCert of that name. */
const certPem = (name: string) =>
  (
    mockResource(
      { type: "tls:index/selfSignedCert:SelfSignedCert", name, inputs: {}, custom: true } as never,
      "eu-west-1",
    ).state as Json
  ).certPem;

const kind = (type: string) => type.split(":").pop();

describe("Graylog in the prod plan", () => {
  const plan = planStack("prod");
  const component = byName(plan, "switchyard:logging:Graylog", "logging-graylog");
  const children = descendantsOf(plan, component.urn);
  const workloads = children.filter((r) =>
    ["apps/v1:StatefulSet", "batch/v1:Job"].some((k) => r.type.endsWith(k)),
  );

  test("belongs to the Logging component, in the logging namespace", () => {
    const logging = byName(plan, "switchyard:logging:Logging", "logging");
    assert.equal(component.parent, logging.urn);
    assert.deepEqual(workloads.map((w) => `${kind(w.type)} ${w.name}`).sort(), [
      "Job logging-graylog-configurator",
      "Job logging-graylog-opensearch-security",
      "StatefulSet logging-graylog-opensearch",
      "StatefulSet logging-graylog-server",
    ]);
    for (const w of workloads) assert.equal((w.inputs.metadata as Json).namespace, "logging", w.name);
  });

  test("OpenSearch and Graylog keep their data on gp3 volumes that outlive the pods", () => {
    const volumes = Object.fromEntries(
      workloads
        .filter((w) => w.type.endsWith("StatefulSet"))
        .map((w) => {
          const spec = w.inputs.spec as Json;
          assert.deepEqual(spec.persistentVolumeClaimRetentionPolicy, {
            whenDeleted: "Retain",
            whenScaled: "Retain",
          });
          assert.ok(w.options.ignoreChanges.includes("spec.volumeClaimTemplates"), w.name);
          const [claim] = spec.volumeClaimTemplates as Json[];
          assert.equal(claim.spec.storageClassName, "gp3", w.name);
          return [w.name, { replicas: spec.replicas, size: claim.spec.resources.requests.storage }];
        }),
    );
    assert.deepEqual(volumes, {
      "logging-graylog-opensearch": { replicas: 3, size: "200Gi" },
      "logging-graylog-server": { replicas: 2, size: "20Gi" },
    });
  });

  test("every container has requests, limits and a pinned image; servers have probes", () => {
    for (const w of workloads) {
      const spec = (w.inputs.spec as Json).template.spec;
      for (const c of [...(spec.initContainers ?? []), ...spec.containers] as Json[]) {
        for (const bound of ["requests", "limits"])
          assert.ok(
            c.resources?.[bound]?.cpu && c.resources?.[bound]?.memory,
            `${w.name}/${c.name} ${bound}`,
          );
        assert.match(c.image, /:(?!latest$)[\w.-]+$/, `${w.name}/${c.name} image ${c.image}`);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, `${w.name}/${c.name}`);
      }
      if (!w.type.endsWith("Job"))
        for (const c of spec.containers as Json[])
          assert.ok(c.readinessProbe && c.livenessProbe && c.startupProbe, `${w.name}/${c.name} probes`);
    }
    const policies = plan.policies as { evaluated: string[]; violations: { urn: string }[] };
    assert.ok(policies.evaluated.includes("k8s-container-resources"));
    assert.deepEqual(
      policies.violations.filter((v) => v.urn.includes("Graylog")),
      [],
    );
  });

  test("credentials reach the pods only through Secret references", () => {
    for (const w of workloads) {
      for (const c of (w.inputs.spec as Json).template.spec.containers as Json[]) {
        for (const e of c.env as Json[]) {
          if (/PASSWORD|SECRET|MONGODB_URI|ELASTICSEARCH_HOSTS/.test(e.name) && !e.name.endsWith("JAVA_OPTS"))
            assert.ok(e.valueFrom?.secretKeyRef, `${w.name}/${c.name} ${e.name} comes from a Secret`);
        }
      }
    }
    for (const name of [
      "logging-graylog-server",
      "logging-graylog-opensearch-node",
      "logging-graylog-opensearch-admin",
    ]) {
      const secret = byName(plan, "kubernetes:core/v1:Secret", name);
      assert.equal(
        secret.inputs.stringData,
        SECRET_PLACEHOLDER,
        `${name}: the whole stringData is a Pulumi secret`,
      );
    }
  });

  test("OpenSearch runs with its security plugin, TLS from its own CA, and Graylog reaches it over https", () => {
    const os = byName(plan, "kubernetes:apps/v1:StatefulSet", "logging-graylog-opensearch");
    const pod = (os.inputs.spec as Json).template.spec;
    const env = pod.containers[0].env as Json[];
    assert.ok(
      !env.some((e) => e.name === "DISABLE_SECURITY_PLUGIN" || e.name === "plugins.security.disabled"),
    );
    const cm = byName(plan, "kubernetes:core/v1:ConfigMap", "logging-graylog-opensearch-config");
    const settings = parse((cm.inputs.data as Json)["opensearch.yml"]);
    assert.equal(settings["plugins.security.ssl.http.enabled"], true);
    assert.deepEqual(settings["cluster.initial_cluster_manager_nodes"], [
      "opensearch-0",
      "opensearch-1",
      "opensearch-2",
    ]);
    byName(plan, "kubernetes:core/v1:Secret", "logging-graylog-opensearch-node");
    const tls = pod.volumes.find((v: Json) => v.name === "node-tls");
    assert.equal(
      tls.secret.secretName,
      autoName("kubernetes:core/v1:Secret", "logging-graylog-opensearch-node"),
    );
    const csr = byName(plan, "tls:index/certRequest:CertRequest", "logging-graylog-opensearch-node");
    assert.deepEqual(csr.inputs.dnsNames, openSearchDnsNames("logging"));
    byName(plan, "tls:index/selfSignedCert:SelfSignedCert", "logging-graylog-opensearch-ca");
    assert.equal(
      byName(plan, "tls:index/locallySignedCert:LocallySignedCert", "logging-graylog-opensearch-node").inputs
        .caCertPem,
      certPem("logging-graylog-opensearch-ca"),
    );
  });

  test("the security Job applies the security files after OpenSearch is up; only it mounts the admin Secret", () => {
    const job = byName(plan, "kubernetes:batch/v1:Job", "logging-graylog-opensearch-security");
    const os = byName(plan, "kubernetes:apps/v1:StatefulSet", "logging-graylog-opensearch");
    assert.ok(job.options.dependsOn.includes(os.urn), "waits for the OpenSearch StatefulSet");
    assert.ok(job.options.deleteBeforeReplace, "a finished Job is replaced, not patched");
    assert.ok(job.options.replaceOnChanges.includes("metadata.annotations"));
    const server = byName(plan, "kubernetes:apps/v1:StatefulSet", "logging-graylog-server");
    assert.ok(
      server.options.dependsOn.includes(job.urn),
      "Graylog after the security index holds its password",
    );
    const pod = (job.inputs.spec as Json).template.spec;
    const c = pod.containers[0];
    assert.equal(c.image, (os.inputs.spec as Json).template.spec.containers[0].image, "the nodes' image");
    assert.ok(c.resources.limits.cpu && c.resources.limits.memory);
    const adminSecret = autoName("kubernetes:core/v1:Secret", "logging-graylog-opensearch-admin");
    const mounting = plan.resources
      .filter((r) => /:(StatefulSet|Deployment|DaemonSet|Job|Pod|CronJob|ReplicaSet)$/.test(r.type))
      .filter((r) => JSON.stringify(r.inputs).includes(adminSecret))
      .map((r) => r.name);
    assert.deepEqual(mounting, ["logging-graylog-opensearch-security"]);
    // The Job's pods reach OpenSearch's HTTP port and nothing else.
    const np = byName(
      plan,
      "kubernetes:networking.k8s.io/v1:NetworkPolicy",
      "logging-graylog-opensearch-ingress",
    );
    const jobLabels = (job.inputs.spec as Json).template.metadata.labels;
    const rules = ((np.inputs.spec as Json).ingress as Json[]).filter((r) =>
      r.from.some((f: Json) =>
        Object.entries(f.podSelector.matchLabels).every(([k, v]) => jobLabels[k] === v),
      ),
    );
    assert.deepEqual(
      rules.flatMap((r) => r.ports),
      [{ protocol: "TCP", port: 9200 }],
    );
  });

  test("no ConfigMap of the stack holds a password, a hash, a key or a Pulumi secret", () => {
    const configMaps = ofType(plan, "kubernetes:core/v1:ConfigMap");
    assert.ok(configMaps.some((c) => c.name === "logging-graylog-configurator"));
    for (const cm of configMaps) {
      const text = JSON.stringify(cm.inputs.data ?? {}) + JSON.stringify(cm.inputs.binaryData ?? {});
      assert.doesNotMatch(text, /mock-password-/, `${cm.name} holds a generated password`);
      assert.ok(!text.includes(SECRET_PLACEHOLDER), `${cm.name} holds a Pulumi secret`);
      assert.doesNotMatch(text, /PRIVATE KEY/, `${cm.name} holds a private key`);
      assert.doesNotMatch(text, /\$2[aby]\$\d\d\$/, `${cm.name} holds a bcrypt hash`);
    }
  });

  test("the configurator reads the GELF Kafka input's settings from config, its password from Strimzi's Secret", () => {
    const cm = byName(plan, "kubernetes:core/v1:ConfigMap", "logging-graylog-configurator");
    const desired = JSON.parse((cm.inputs.data as Json)["desired-state.json"]);
    const user = byName(plan, "kubernetes:kafka.strimzi.io/v1:KafkaUser", "logging-kafka-user-graylog");
    assert.equal(desired.input.username, (user.inputs.metadata as Json).name);
    assert.equal(desired.input.topic, "logs");
    assert.equal(desired.indexSet.retentionDays, 30);
    const job = byName(plan, "kubernetes:batch/v1:Job", "logging-graylog-configurator");
    const env = (job.inputs.spec as Json).template.spec.containers[0].env as Json[];
    const kafka = env.find((e) => e.name === "KAFKA_PASSWORD");
    assert.deepEqual(kafka.valueFrom.secretKeyRef, {
      name: (user.inputs.metadata as Json).name,
      key: "password",
    });
  });

  test("MongoDB gets a graylog user whose password goes to the hosts through Secrets Manager", () => {
    byName(plan, "random:index/randomPassword:RandomPassword", "mongodb-credentials-service-graylog");
    const version = byName(plan, "aws:secretsmanager/secretVersion:SecretVersion", "mongodb-credentials");
    assert.equal(version.inputs.secretString, SECRET_PLACEHOLDER);
    for (const instance of ofType(plan, "aws:ec2/instance:Instance").filter((i) =>
      i.name.startsWith("mongodb-"),
    ))
      assert.doesNotMatch(
        String(instance.inputs.userData),
        /mock-password-mongodb-credentials-service-graylog/,
      );
  });
});

describe("Graylog through the HAProxy tier (the platform-route mechanism)", () => {
  const plan = planStack("prod");

  test("a route for logging.graylog.host to Graylog's pods, checked on lbstatus", () => {
    const route = byName(plan, "pulumi-nodejs:dynamic/switchyard:Route", "graylog").inputs as Json;
    assert.equal(route.host, "logs.example.com");
    assert.equal(route.live, "blue");
    assert.deepEqual(route.backends.blue, { port: 9000, healthCheckPath: "/api/system/lbstatus" });
    const svc = byName(plan, "kubernetes:core/v1:Service", "logging-graylog-graylog").inputs as Json;
    assert.equal(svc.metadata.labels["switchyard.io/route-app"], "graylog");
    assert.equal(svc.metadata.labels["switchyard.io/routed"], "true");
    assert.equal(svc.spec.ports[0].name, "http");
  });

  test("the registrar may read EndpointSlices in the logging namespace; the nodes admit 9000 from HAProxy", () => {
    const role = byName(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role", "switchyard-registrar-logging");
    assert.equal((role.inputs as Json).metadata.namespace, "logging");
    byName(
      plan,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "switchyard-nodes-ingress-haproxy-9000",
    );
  });

  test("Graylog's external URI is the routed https host (links and redirects point there)", () => {
    const ss = byName(plan, "kubernetes:apps/v1:StatefulSet", "logging-graylog-server");
    const env = (ss.inputs.spec as Json).template.spec.containers[0].env as Json[];
    assert.equal(env.find((e) => e.name === "GRAYLOG_HTTP_EXTERNAL_URI").value, "https://logs.example.com/");
  });
});

describe("Graylog's secrets across updates", () => {
  const first = planStack("prod");
  // A second evaluation of the same stack, in its own process: what `pulumi up` would see next time.
  const run = planVariant("prod", () => undefined);
  const second = run.plan as Plan;

  const generated = (p: Plan) =>
    Object.fromEntries(
      ofType(p, "random:index/randomPassword:RandomPassword")
        .filter((r) => r.name.includes("graylog"))
        .map((r) => [r.urn, r.inputs]),
    );

  test("the same random resources with the same inputs (no keepers that change), so the same values", () => {
    assert.ok(second, run.stderr);
    const a = generated(first);
    assert.deepEqual(Object.keys(a).sort(), [
      "urn:pulumi:prod::switchyard::switchyard:data:MongoReplicaSet$random:index/randomPassword:RandomPassword::mongodb-credentials-service-graylog",
      "urn:pulumi:prod::switchyard::switchyard:logging:Graylog$random:index/randomPassword:RandomPassword::logging-graylog-opensearch-password",
      "urn:pulumi:prod::switchyard::switchyard:logging:Graylog$random:index/randomPassword:RandomPassword::logging-graylog-password-secret",
      "urn:pulumi:prod::switchyard::switchyard:logging:Graylog$random:index/randomPassword:RandomPassword::logging-graylog-root-password",
    ]);
    assert.deepEqual(generated(second), a);
    for (const inputs of Object.values(a)) assert.equal((inputs as Json).keepers, undefined);
    assert.ok(
      ((a as Json)[Object.keys(a).find((k) => k.endsWith("password-secret"))!].length as number) >= 64,
      "password_secret: at least 64 characters",
    );
  });

  test("the configurator does not run again on an unchanged update", () => {
    const digest = (p: Plan) =>
      (byName(p, "kubernetes:batch/v1:Job", "logging-graylog-configurator").inputs.metadata as Json)
        .annotations["switchyard.io/configurator-digest"];
    assert.equal(digest(second), digest(first));
  });

  test("the security Job does not run again on an unchanged update, nor for a setting it does not upload", () => {
    const digest = (p: Plan) =>
      (byName(p, "kubernetes:batch/v1:Job", "logging-graylog-opensearch-security").inputs.metadata as Json)
        .annotations["switchyard.io/security-digest"];
    assert.match(digest(first), /^[0-9a-f]{10}$/, "in the clear, not a Pulumi secret");
    assert.equal(digest(second), digest(first));
    const other = plannedVariant("prod", (config) => {
      config["switchyard:logging"].graylog.retentionDays = 90;
    });
    assert.equal(digest(other), digest(first));
  });

  test("Graylog's pods carry their Secret's digest in the clear, the same on an unchanged update", () => {
    const digest = (p: Plan) =>
      (byName(p, "kubernetes:apps/v1:StatefulSet", "logging-graylog-server").inputs.spec as Json).template
        .metadata.annotations["switchyard.io/config-digest"];
    assert.match(digest(first), /^[0-9a-f]{10}$/, "in the clear, not a Pulumi secret");
    assert.equal(digest(second), digest(first));
  });

  test("root_password_sha2 is a pure digest of the stored password (no salt, nothing generated at render)", () => {
    // Graylog's documented digest of "admin" (echo -n admin | sha256sum).
    assert.equal(
      rootPasswordSha2("admin"),
      "8c6976e5b5410415bde908bd4dee15dfb167a9c873fc4bb8a81f6f2ab448a918",
    );
    assert.equal(rootPasswordSha2("p4ss"), rootPasswordSha2("p4ss"));
  });
});
