/** The monitoring component in prod's offline plan (Pulumi mocks): what reaches the cluster. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clusterTelegrafRules, nodeTelegrafRules } from "../../components/monitoring/render/telegraf";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { MOCK_SECRET_VALUE } from "../../scripts/lib/stackConfig";
import { byName, descendantsOf, ofType, planStack } from "../helpers/plan";
import { writtenFiles } from "../helpers/host";
import { parse as parseToml } from "smol-toml";
import { TELEGRAF_HOST } from "../../components/common/host/telegraf";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form
type Json = any;

describe("monitoring in the prod plan", () => {
  const plan = planStack("prod");
  const component = byName(plan, "switchyard:monitoring:Monitoring", "monitoring");
  const children = descendantsOf(plan, component.urn);
  const workloads = children.filter((r) =>
    ["apps/v1:StatefulSet", "apps/v1:DaemonSet", "apps/v1:Deployment", "batch/v1:Job"].some((k) =>
      r.type.endsWith(k),
    ),
  );

  test("InfluxDB, Grafana, the Telegraf DaemonSet, the cluster Telegraf and the setup Job, in the monitoring namespace", () => {
    assert.deepEqual(workloads.map((w) => `${w.type.split(":").pop()} ${w.name}`).sort(), [
      "DaemonSet monitoring-telegraf-node",
      "Deployment monitoring-grafana",
      "Deployment monitoring-telegraf-cluster",
      "Job monitoring-influxdb-setup",
      "StatefulSet monitoring-influxdb",
    ]);
    for (const w of workloads) assert.equal((w.inputs.metadata as Json).namespace, "monitoring", w.name);
  });

  test("every container has requests, limits and a pinned image; serving ones have both probes", () => {
    for (const w of workloads) {
      const spec = (w.inputs.spec as Json).template.spec;
      for (const c of spec.containers as Json[]) {
        for (const kind of ["requests", "limits"]) {
          assert.ok(c.resources?.[kind]?.cpu && c.resources?.[kind]?.memory, `${w.name}/${c.name} ${kind}`);
        }
        assert.match(c.image, /^[^:]+(\/[^:]+)*:(?!latest$)[\w.-]+$/, `${w.name}/${c.name} image ${c.image}`);
        if (!w.type.endsWith("Job")) {
          assert.ok(c.readinessProbe && c.livenessProbe, `${w.name}/${c.name} probes`);
        }
        assert.equal(c.securityContext.readOnlyRootFilesystem, true, `${w.name}/${c.name}`);
        assert.equal(c.securityContext.allowPrivilegeEscalation, false, `${w.name}/${c.name}`);
      }
    }
  });

  test("the policy pack evaluates the workload rules and finds nothing", () => {
    const policies = plan.policies as { evaluated: string[]; violations: unknown[] };
    for (const rule of [
      "k8s-container-resources",
      "k8s-serving-probes",
      "k8s-image-pinned",
      "k8s-no-host-ports",
    ])
      assert.ok(policies.evaluated.includes(rule), rule);
    assert.deepEqual(policies.violations, []);
  });

  test("InfluxDB keeps its data on gp3, retained when the StatefulSet goes", () => {
    const sts = byName(plan, "kubernetes:apps/v1:StatefulSet", "monitoring-influxdb").inputs.spec as Json;
    assert.equal(sts.volumeClaimTemplates[0].spec.storageClassName, "gp3");
    assert.equal(sts.volumeClaimTemplates[0].spec.resources.requests.storage, "100Gi");
    assert.deepEqual(sts.persistentVolumeClaimRetentionPolicy, {
      whenDeleted: "Retain",
      whenScaled: "Retain",
    });
  });

  test("ClusterRoles grant exactly what the collectors call", () => {
    const roles = Object.fromEntries(
      ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole")
        .filter((r) => r.parent === component.urn)
        .map((r) => [r.name, r.inputs.rules]),
    );
    assert.deepEqual(roles, {
      "monitoring-telegraf-cluster": clusterTelegrafRules(),
      "monitoring-telegraf-node": nodeTelegrafRules(),
    });
  });

  test("no credential in any ConfigMap; the Secrets' data are Pulumi secrets", () => {
    for (const cm of ofType(plan, "kubernetes:core/v1:ConfigMap")) {
      const text = JSON.stringify(cm.inputs.data ?? {});
      for (const leak of ["mock-password-", SECRET_PLACEHOLDER, MOCK_SECRET_VALUE])
        assert.ok(!text.includes(leak), `${cm.name} holds ${leak}`);
    }
    for (const s of children.filter((r) => r.type === "kubernetes:core/v1:Secret"))
      assert.equal(s.inputs.stringData, SECRET_PLACEHOLDER, s.name);
  });

  test("the apps' write credential is exported as a secret", () => {
    assert.equal(plan.outputs.metricsAppsWritePassword, SECRET_PLACEHOLDER);
    assert.equal(plan.outputs.metricsAppsWriteUsername, "apps-writer");
    assert.equal(plan.outputs.metricsWriteUrl, "https://influxdb.monitoring.svc.cluster.local:8086");
  });
});

const writtenFilesOf = (r: { inputs: Json }) =>
  new Map([...writtenFiles(String(r.inputs.userData))].map(([k, v]) => [k, v.content]));

describe("InfluxDB over TLS in the prod plan", () => {
  const plan = planStack("prod");
  const component = byName(plan, "switchyard:monitoring:Monitoring", "monitoring");
  const children = descendantsOf(plan, component.urn);
  const configMaps = children.filter((r) => r.type === "kubernetes:core/v1:ConfigMap");
  const data = (key: string) => {
    const found = configMaps.filter((c) => Object.keys((c.inputs.data as Json) ?? {}).includes(key));
    assert.ok(found.length >= 1, key);
    return found.map((c) => String((c.inputs.data as Json)[key]));
  };

  test("influxd serves HTTPS only, with the key and certificate from a kubernetes.io/tls Secret", () => {
    const [conf] = data("influxdb.conf");
    const http = (parseToml(conf) as Json).http;
    assert.equal(http["https-enabled"], true);
    const tls = byName(plan, "kubernetes:core/v1:Secret", "monitoring-influxdb-tls");
    assert.equal((tls.inputs as Json).type, "kubernetes.io/tls");
    assert.equal((tls.inputs as Json).stringData, SECRET_PLACEHOLDER);
    const sts = byName(plan, "kubernetes:apps/v1:StatefulSet", "monitoring-influxdb");
    const pod = (sts.inputs.spec as Json).template.spec;
    const volume = (pod.volumes as Json[]).find(
      (v) => v.secret?.secretName === `${tls.name}-name` || v.name === "tls",
    );
    assert.ok(volume?.secret, "the TLS volume is a Secret");
    const mount = (pod.containers[0].volumeMounts as Json[]).find((m) => m.name === volume.name);
    for (const key of ["https-certificate", "https-private-key"])
      assert.ok(String(http[key]).startsWith(`${mount.mountPath}/`), `${key} under the Secret's mount`);
    assert.equal(pod.containers[0].readinessProbe.httpGet.scheme, "HTTPS");
    for (const text of configMaps.map((c) => JSON.stringify(c.inputs.data ?? {})))
      assert.doesNotMatch(text, /PRIVATE KEY/);
  });

  test("the certificate names the Service and the metrics NLB", () => {
    const csr = byName(plan, "tls:index/certRequest:CertRequest", "monitoring-influxdb-tls");
    const names = (csr.inputs as Json).dnsNames as string[];
    assert.ok(names.includes("influxdb.monitoring.svc.cluster.local"), JSON.stringify(names));
    assert.ok(names.includes("influxdb.monitoring"), JSON.stringify(names));
    const hostUrl = new URL(
      String(
        (
          parseToml(
            writtenFilesOf(byName(plan, "aws:ec2/instance:Instance", "etcd-0")).get(TELEGRAF_HOST.config)!,
          ) as Json
        ).outputs.influxdb[0].urls[0],
      ),
    );
    assert.equal(hostUrl.protocol, "https:");
    assert.ok(names.includes(hostUrl.hostname), `${hostUrl.hostname} in ${JSON.stringify(names)}`);
    const tg = byName(plan, "aws:lb/targetGroup:TargetGroup", "monitoring-influxdb");
    assert.equal((tg.inputs as Json).healthCheck.protocol, "HTTPS");
  });

  test("the in-cluster Telegrafs write over HTTPS trusting the CA, mounted without the key", () => {
    for (const conf of data("telegraf.conf")) {
      const [out] = (parseToml(conf) as Json).outputs.influxdb;
      assert.match(out.urls[0], /^https:\/\/influxdb\.monitoring\.svc\.cluster\.local:8086$/);
      assert.ok(out.tls_ca, "tls_ca");
      assert.equal(out.insecure_skip_verify, undefined);
    }
    for (const name of [
      "monitoring-telegraf-node",
      "monitoring-telegraf-cluster",
      "monitoring-influxdb-setup",
    ]) {
      const w = children.find((r) => r.name === name && /(DaemonSet|Deployment|Job)$/.test(r.type))!;
      const pod = (w.inputs.spec as Json).template.spec;
      const ca = (pod.volumes as Json[]).find((v) => v.name === "influxdb-ca");
      assert.deepEqual(
        ca.secret.items.map((i: Json) => i.key),
        ["ca.crt"],
        `${name}: only ca.crt of the TLS Secret`,
      );
    }
  });
});
