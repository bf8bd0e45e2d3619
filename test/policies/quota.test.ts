// k8s-workloads-fit-quotas: what the stack declares per namespace against the namespace's quota,
// DaemonSets counted on every node the node groups may grow to.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { k8sFitsQuotas } from "../../policies/rules/k8sFitsQuotas";
import { planVariant } from "../helpers/plan";
import type { PolicyReport } from "../../scripts/lib/policies";
import { checkStack, planned } from "./support/helpers";

const sized = (cpu: string, memory: string, limitCpu = cpu, limitMemory = memory) => ({
  requests: { cpu, memory },
  limits: { cpu: limitCpu, memory: limitMemory },
});

const quota = (hard: Record<string, string>) =>
  planned("kubernetes:core/v1:ResourceQuota", "logging-quota", {
    metadata: { namespace: "logging" },
    spec: { hard },
  });

const nodes = planned("aws:eks/nodeGroup:NodeGroup", "general", {
  instanceTypes: ["m7i.xlarge"],
  scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 5 },
});

const brokers = planned("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "brokers", {
  metadata: { namespace: "logging" },
  spec: { replicas: 3, resources: sized("500m", "4Gi", "2", "4Gi") },
});
const shipper = planned("kubernetes:apps/v1:DaemonSet", "fluent-bit", {
  metadata: { namespace: "logging" },
  spec: {
    template: { spec: { containers: [{ name: "fb", resources: sized("100m", "128Mi", "500m", "512Mi") }] } },
  },
});
const elsewhere = planned("kubernetes:apps/v1:Deployment", "web", {
  metadata: { namespace: "apps" },
  spec: { replicas: 50, template: { spec: { containers: [{ name: "web", resources: sized("1", "1Gi") }] } } },
});

describe("k8s-workloads-fit-quotas", () => {
  const generous = {
    "requests.cpu": "4",
    "limits.cpu": "12",
    "requests.memory": "16Gi",
    "limits.memory": "16Gi",
    pods: "20",
  };

  it("passes a namespace within its quota, whatever other namespaces run", async () => {
    assert.deepEqual(
      await checkStack(k8sFitsQuotas, [nodes, brokers, shipper, elsewhere, quota(generous)]),
      [],
    );
  });

  it("names each quota key the namespace outgrows, DaemonSets counted at the largest size", async () => {
    // Limits: 3 × 2 + 5 nodes × 0.5 = 8.5 CPU; requests memory 3 × 4Gi + 5 × 128Mi = 12.6Gi; 8 pods.
    const tight = { ...generous, "limits.cpu": "8", "requests.memory": "12Gi", pods: "7" };
    assert.deepEqual(await checkStack(k8sFitsQuotas, [nodes, brokers, shipper, quota(tight)]), [
      "logging-quota: The workloads in namespace logging need limits.cpu 8.50 (DaemonSets at 5 nodes), more than the quota's 8: the API server would refuse the pods beyond it. Raise kubernetes.namespaces.logging.quota.",
      "logging-quota: The workloads in namespace logging need requests.memory 12.6Gi (DaemonSets at 5 nodes), more than the quota's 12Gi: the API server would refuse the pods beyond it. Raise kubernetes.namespaces.logging.quota.",
      "logging-quota: The workloads in namespace logging need pods 8 (DaemonSets at 5 nodes), more than the quota's 7: the API server would refuse the pods beyond it. Raise kubernetes.namespaces.logging.quota.",
    ]);
  });

  it("refuses prod's logging stack under the default namespace quota", () => {
    // The default quota (8 CPU, 16Gi requested) is what prod raised for logging.
    const run = planVariant("prod", (c) => {
      delete c["switchyard:kubernetes"].namespaces;
    });
    assert.equal(run.status, 2, run.stderr);
    const report = (JSON.parse(run.stdout) as { policies: PolicyReport }).policies;
    const found = report.violations.filter((v) => v.policy === "k8s-workloads-fit-quotas");
    assert.ok(found.length > 0, JSON.stringify(report.violations));
    assert.ok(
      found.every((v) => v.urn.endsWith("switchyard-logging") && v.level === "mandatory"),
      JSON.stringify(found),
    );
    assert.ok(
      found.some((v) => /need requests\.memory [\d.]+Gi .*more than the quota's 16Gi/.test(v.message)),
    );
  });
});
