import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../components/config";
import { PLATFORM_NAMESPACES } from "../../components/kubernetes";
import { limitRangeSpec, resourceQuotaSpec } from "../../components/kubernetes/baseline/render";
import { custom, CUSTOM, inCluster, inputs, one, prod } from "./support/fixtures";

const inNamespace = (type: string, ns: string) =>
  inCluster(custom(), type).find((r) => inputs(r).metadata.namespace === ns);

describe("platform baseline", () => {
  test("namespaces platform, logging, monitoring and apps, with Pod Security levels", () => {
    const namespaces = inCluster(prod(), "kubernetes:core/v1:Namespace").map((r) => inputs(r).metadata);
    assert.deepEqual(namespaces.map((m) => m.name).sort(), ["apps", "logging", "monitoring", "platform"]);
    const enforce = Object.fromEntries(
      namespaces.map((m) => [m.name, m.labels["pod-security.kubernetes.io/enforce"]]),
    );
    assert.deepEqual(enforce, {
      apps: "baseline",
      platform: "baseline",
      logging: "privileged",
      monitoring: "privileged",
    });
  });

  test("every namespace has a LimitRange with default requests and limits from config", () => {
    const defaults = parseConfig({ "aws:region": "eu-west-1" }).kubernetes.namespaces;
    for (const ns of PLATFORM_NAMESPACES) {
      const limits = inputs(inNamespace("kubernetes:core/v1:LimitRange", ns)!).spec.limits;
      const expected = ns === "apps" ? CUSTOM.namespaces.apps : defaults[ns];
      assert.deepEqual(limits, [
        { type: "Container", defaultRequest: expected.defaultRequest, default: expected.defaultLimit },
      ]);
    }
  });

  test("every namespace has a ResourceQuota on requests, limits and pods from config", () => {
    assert.deepEqual(inputs(inNamespace("kubernetes:core/v1:ResourceQuota", "apps")!).spec.hard, {
      "requests.cpu": "24",
      "requests.memory": "48Gi",
      "limits.cpu": "48",
      "limits.memory": "96Gi",
      pods: "300",
    });
    for (const ns of ["platform", "logging", "monitoring"]) {
      assert.deepEqual(inputs(inNamespace("kubernetes:core/v1:ResourceQuota", ns)!).spec.hard, {
        "requests.cpu": "8",
        "requests.memory": "16Gi",
        "limits.cpu": "16",
        "limits.memory": "32Gi",
        pods: "100",
      });
    }
  });

  test("rendering is straight from the budget", () => {
    const budget = parseConfig({ "aws:region": "eu-west-1" }).kubernetes.namespaces.platform;
    assert.deepEqual(limitRangeSpec(budget).limits[0].default, { cpu: "500m", memory: "512Mi" });
    assert.equal(resourceQuotaSpec({ ...budget, quota: { ...budget.quota, pods: 7 } }).hard.pods, "7");
  });

  test("platform namespaces share an opt-in disruption budget of one; apps have their own per app", () => {
    const budgets = inCluster(prod(), "kubernetes:policy/v1:PodDisruptionBudget").map((r) => inputs(r));
    assert.deepEqual(budgets.map((b) => b.metadata.namespace).sort(), ["logging", "monitoring", "platform"]);
    for (const b of budgets) {
      assert.equal(b.spec.maxUnavailable, 1);
      assert.deepEqual(b.spec.selector, { matchLabels: { "switchyard.io/disruption-budget": "namespace" } });
    }
  });

  test("gp3 is the encrypted default StorageClass and gp2 is no longer default", () => {
    const plan = prod();
    const gp3 = inputs(one(plan, "kubernetes:storage.k8s.io/v1:StorageClass"));
    assert.equal(gp3.metadata.name, "gp3");
    assert.equal(gp3.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
    assert.equal(gp3.provisioner, "ebs.csi.aws.com");
    assert.deepEqual(
      { type: gp3.parameters.type, encrypted: gp3.parameters.encrypted },
      { type: "gp3", encrypted: "true" },
    );
    assert.equal(gp3.volumeBindingMode, "WaitForFirstConsumer");
    const gp2 = inputs(one(plan, "kubernetes:storage.k8s.io/v1:StorageClassPatch"));
    assert.equal(gp2.metadata.name, "gp2");
    assert.equal(gp2.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "false");
    // The class needs the driver that provisions it.
    const ebs = inCluster(plan, "aws:eks/addon:Addon").find(
      (a) => inputs(a).addonName === "aws-ebs-csi-driver",
    )!;
    assert.ok(one(plan, "kubernetes:storage.k8s.io/v1:StorageClass").options.dependsOn.includes(ebs.urn));
  });
});
