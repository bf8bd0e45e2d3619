/** The monitoring component in prod's offline plan (Pulumi mocks): what reaches the cluster. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { clusterTelegrafRules, nodeTelegrafRules } from "../../components/monitoring/render/telegraf";
import { SECRET_PLACEHOLDER } from "../../scripts/lib/evaluate";
import { MOCK_SECRET_VALUE } from "../../scripts/lib/stackConfig";
import { byName, descendantsOf, ofType, planStack } from "../helpers/plan";

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
    assert.equal(plan.outputs.metricsWriteUrl, "http://influxdb.monitoring.svc.cluster.local:8086");
  });
});
