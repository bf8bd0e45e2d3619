// The scheduling-capacity policy: instance sizes and EKS's allocatable formula as pure functions,
// the pods each kind of resource runs, and the stack-wide and per-pod verdicts.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allocatable, instanceSize, podDemand, podRequests } from "../../policies/lib/capacity";
import { k8sFitsNodes } from "../../policies/rules/k8sFitsNodes";
import { GIB, MIB } from "../../model/quantity";
import { planVariant } from "../helpers/plan";
import type { PolicyReport } from "../../scripts/lib/policies";
import { checkStack, planned } from "./support/helpers";

const resources = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
/** Requests and limits alike, as `resources()` declares them. */
const both = (q: { cpu: number; memory: number; pods: number }) => ({ pod: q, limits: q });
const podSpec = (...containers: { name: string; resources: unknown }[]) => ({ containers });

function nodeGroup(name: string, instanceTypes: string[], desiredSize: number, taints: unknown[] = []) {
  return planned("aws:eks/nodeGroup:NodeGroup", name, {
    instanceTypes,
    scalingConfig: { minSize: 1, desiredSize, maxSize: 12 },
    taints,
  });
}

function statefulSet(name: string, replicas: number, cpu: string, memory: string) {
  return planned("kubernetes:apps/v1:StatefulSet", name, {
    spec: { replicas, template: { spec: podSpec({ name: "main", resources: resources(cpu, memory) }) } },
  });
}

describe("instance sizes and allocatable", () => {
  it("sizes the general, compute, memory and burstable families from AWS's tables", () => {
    // vCPU and GiB from "Amazon EC2 instance types"; pods = ENIs × (IPv4 per ENI − 1) + 2.
    assert.deepEqual(instanceSize("m7i.large"), { vcpu: 2, memoryGiB: 8, maxPods: 3 * 9 + 2 });
    assert.deepEqual(instanceSize("m7i.xlarge"), { vcpu: 4, memoryGiB: 16, maxPods: 4 * 14 + 2 });
    assert.deepEqual(instanceSize("r7g.2xlarge"), { vcpu: 8, memoryGiB: 64, maxPods: 4 * 14 + 2 });
    assert.deepEqual(instanceSize("c7i.12xlarge"), { vcpu: 48, memoryGiB: 96, maxPods: 8 * 29 + 2 });
    assert.deepEqual(instanceSize("m6g.medium"), { vcpu: 1, memoryGiB: 4, maxPods: 2 * 3 + 2 });
    assert.deepEqual(instanceSize("t3.medium"), { vcpu: 2, memoryGiB: 4, maxPods: 3 * 5 + 2 });
    assert.equal(instanceSize("x2idn.16xlarge"), undefined);
    assert.equal(instanceSize("m7i.metal-24xl"), undefined);
  });

  it("reserves what the EKS AMIs' kubelet reserves", () => {
    const large = allocatable(instanceSize("m7i.large")!);
    // 2 cores: 6 % of the first, 1 % of the second.
    assert.ok(Math.abs(large.cpu - (2 - 0.06 - 0.01)) < 1e-9);
    // 95 % of 8 GiB, less 255 MiB + 11 MiB × 29 pods and the 100 MiB eviction threshold.
    assert.ok(Math.abs(large.memory - (8 * 1024 * 0.95 - 255 - 11 * 29 - 100) * MIB) < 1);
    assert.equal(large.pods, 29);
    const big = allocatable(instanceSize("m7i.4xlarge")!);
    // 16 cores: 6 % + 1 % + 2 × 0.5 % + 12 × 0.25 %.
    assert.ok(Math.abs(big.cpu - (16 - 0.06 - 0.01 - 0.01 - 0.03)) < 1e-9);
  });
});

describe("the pods a resource runs", () => {
  it("counts a pod as the scheduler does: containers summed, or its largest init container", () => {
    const pod = podRequests({
      initContainers: [{ name: "restore", resources: resources("2", "256Mi") }],
      containers: [
        { name: "a", resources: resources("250m", "1Gi") },
        { name: "b", resources: resources("250m", "512Mi") },
      ],
    });
    assert.deepEqual(pod, { cpu: 2, memory: 1.5 * GIB, pods: 1 });
  });

  it("reads workloads, DaemonSets, Strimzi's pods and a chart's operator", () => {
    const ds = planned("kubernetes:apps/v1:DaemonSet", "fluent-bit", {
      spec: { template: { spec: podSpec({ name: "fb", resources: resources("100m", "128Mi") }) } },
    });
    assert.deepEqual(podDemand(ds.type, ds.name, ds.inputs), [
      { label: "DaemonSet fluent-bit", ...both({ cpu: 0.1, memory: 128 * MIB, pods: 1 }), count: "per node" },
    ]);
    const pool = planned("kubernetes:kafka.strimzi.io/v1:KafkaNodePool", "brokers", {
      spec: { replicas: 3, resources: resources("500m", "4Gi") },
    });
    assert.deepEqual(podDemand(pool.type, pool.name, pool.inputs), [
      { label: "KafkaNodePool brokers", ...both({ cpu: 0.5, memory: 4 * GIB, pods: 1 }), count: 3 },
    ]);
    const kafka = planned("kubernetes:kafka.strimzi.io/v1:Kafka", "logs", {
      spec: {
        entityOperator: {
          topicOperator: { resources: resources("100m", "256Mi") },
          userOperator: { resources: resources("100m", "256Mi") },
        },
      },
    });
    assert.deepEqual(podDemand(kafka.type, kafka.name, kafka.inputs), [
      { label: "Kafka logs entity operator", ...both({ cpu: 0.2, memory: 512 * MIB, pods: 1 }), count: 1 },
    ]);
    const chart = planned("kubernetes:helm.sh/v3:Release", "strimzi", {
      chart: "strimzi-kafka-operator",
      values: { replicas: 2, resources: resources("200m", "384Mi") },
    });
    assert.deepEqual(podDemand(chart.type, chart.name, chart.inputs), [
      {
        label: "Release strimzi: chart strimzi-kafka-operator (values.resources)",
        ...both({ cpu: 0.2, memory: 384 * MIB, pods: 1 }),
        count: 2,
      },
    ]);
    assert.deepEqual(podDemand("kubernetes:core/v1:Service", "web", {}), []);
  });
});

describe("k8s-workloads-fit-nodes", () => {
  const nodes3 = nodeGroup("general", ["m7i.xlarge"], 3);

  it("passes pods that fit, and counts only untainted groups", async () => {
    assert.deepEqual(await checkStack(k8sFitsNodes, [nodes3, statefulSet("db", 3, "500m", "4Gi")]), []);
    const tainted = nodeGroup("gpu", ["m7i.4xlarge"], 4, [{ key: "gpu", value: "", effect: "NO_SCHEDULE" }]);
    const small = nodeGroup("general", ["m7i.large"], 1);
    const found = await checkStack(k8sFitsNodes, [small, tainted, statefulSet("db", 3, "100m", "4Gi")]);
    assert.equal(found.length, 1, found.join("\n"));
    // 3 × 4 GiB + the add-ons' 300 MiB per node and 600 MiB in all, on the one untainted node.
    assert.match(found[0], /^stack: The pods request 12\.9 GiB in all/);
    assert.match(found[0], /general \(1 × m7i\.large\) offers 6\.9 GiB allocatable/);
    assert.match(found[0], /Largest: StatefulSet db 3 × 4\.0 GiB/);
  });

  it("reports the resource that asks too much in all, with the node groups' figures", async () => {
    const found = await checkStack(k8sFitsNodes, [nodes3, statefulSet("search", 3, "500m", "14Gi")]);
    const [total, ...perPod] = found;
    assert.match(total, /^stack: The pods request 4\d\.\d GiB in all, the EKS add-ons included/);
    // 3 × (16 GiB × 0.95 − (255 + 11 × 58) MiB − 100 MiB) = 43.0 GiB; 90 % of it.
    const offered = (3 * (16 * 1024 * 0.95 - 255 - 11 * 58 - 100)) / 1024;
    assert.ok(total.includes(`offers ${offered.toFixed(1)} GiB allocatable`), total);
    assert.ok(total.includes(`${((offered * 90) / 100).toFixed(1)} GiB within the 90% limit`), total);
    assert.match(total, /StatefulSet search 3 × 14\.0 GiB/);
    // 14 GiB does not fit one 14.3 GiB node next to the 300 MiB the add-ons take on every node.
    assert.deepEqual(perPod, [
      `search: One pod of StatefulSet search requests 14.0 GiB; a m7i.xlarge node has ${(offered / 3 - 300 / 1024).toFixed(1)} GiB left for it next to the DaemonSets and add-ons on every node.`,
    ]);
  });

  it("counts DaemonSets on every node and honours maxUtilizationPercent", async () => {
    const ds = planned("kubernetes:apps/v1:DaemonSet", "agent", {
      spec: { template: { spec: podSpec({ name: "a", resources: resources("1", "64Mi") }) } },
    });
    // 3 nodes × 1 CPU + 3 × 200m + 400m = 4 CPU of 11.8: fits at 90 %, not at 30 %.
    assert.deepEqual(await checkStack(k8sFitsNodes, [nodes3, ds]), []);
    const found = await checkStack(k8sFitsNodes, [nodes3, ds], { maxUtilizationPercent: 30 });
    assert.equal(found.length, 1);
    assert.match(found[0], /request 4\.00 CPU in all/);
    assert.match(found[0], /within the 30% limit\. Largest: DaemonSet agent 3 × 1\.00 CPU/);
  });

  it("names an instance type it cannot size instead of passing it", async () => {
    const found = await checkStack(k8sFitsNodes, [
      nodeGroup("odd", ["x2idn.16xlarge"], 2),
      statefulSet("db", 1, "1", "1Gi"),
    ]);
    assert.deepEqual(found, [
      "odd: Instance type x2idn.16xlarge is not in the sizing table (policies/lib/capacity.ts): add its vCPU, memory and ENI limits there, or set this policy to advisory in the pack config.",
    ]);
  });

  it("refuses staging at its first size: the logging stack on two m7i.large nodes", () => {
    const run = planVariant("staging", (c) => {
      c["switchyard:kubernetes"].nodeGroups.general = {
        instanceTypes: ["m7i.large"],
        minSize: 2,
        desiredSize: 2,
        maxSize: 4,
      };
      delete c["switchyard:logging"];
    });
    assert.equal(run.status, 2, run.stderr);
    const report = (JSON.parse(run.stdout) as { policies: PolicyReport }).policies;
    const fits = report.violations.filter((v) => v.policy === "k8s-workloads-fit-nodes");
    assert.equal(fits.length, 2, JSON.stringify(fits));
    assert.match(fits[0].message, /^The pods request [\d.]+ CPU in all.*\(2 × m7i\.large\)/);
    assert.match(fits[1].message, /^The pods request [\d.]+ GiB in all.*\(2 × m7i\.large\)/);
    assert.match(fits[1].message, /Largest: StatefulSet logging-graylog-opensearch 3 × 4\.0 GiB/);
    assert.ok(fits.every((v) => v.level === "mandatory" && v.urn.endsWith("switchyard-staging")));
  });
});
