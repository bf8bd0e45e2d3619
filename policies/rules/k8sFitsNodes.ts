import type { ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { cpuCores, GIB, memoryBytes } from "../../model/quantity";
import { configurable } from "../lib/config";
import {
  clusterUse,
  type ClusterUse,
  type PodDemand,
  type Quantities,
  type SystemPods,
} from "../lib/capacity";

export const CAPACITY_DEFAULTS = {
  maxUtilizationPercent: 90,
  systemPerNodeCpu: "200m",
  systemPerNodeMemory: "300Mi",
  systemPerClusterCpu: "400m",
  systemPerClusterMemory: "600Mi",
};

const settings = configurable(CAPACITY_DEFAULTS, {
  maxUtilizationPercent:
    "Share of the nodes' allocatable resources the declared pods may request (the rest: a release's idle colour scaling up, rolling updates).",
  systemPerNodeCpu:
    "CPU the EKS add-ons' DaemonSets request on every node (kube-proxy, VPC CNI, EBS CSI node, Pod Identity agent).",
  systemPerNodeMemory: "Memory the EKS add-ons' DaemonSets request on every node.",
  systemPerClusterCpu: "CPU the EKS add-ons' Deployments request in all (CoreDNS, EBS CSI controller).",
  systemPerClusterMemory: "Memory the EKS add-ons' Deployments request in all.",
});

/** The add-ons' pods from the settings: four per node and four per cluster. */
export function systemPods(s: typeof CAPACITY_DEFAULTS): SystemPods {
  return {
    node: { cpu: cpuCores(s.systemPerNodeCpu), memory: memoryBytes(s.systemPerNodeMemory), pods: 4 },
    cluster: { cpu: cpuCores(s.systemPerClusterCpu), memory: memoryBytes(s.systemPerClusterMemory), pods: 4 },
  };
}

export function describeQuantity(q: Quantities, what: "cpu" | "memory" | "pods"): string {
  return what === "cpu"
    ? `${q.cpu.toFixed(2)} CPU`
    : what === "memory"
      ? `${(q.memory / GIB).toFixed(1)} GiB`
      : `${q.pods} pods`;
}

function largest(demands: PodDemand[], what: "cpu" | "memory" | "pods", nodes: number): string {
  return demands
    .map((d) => ({ d, n: d.count === "per node" ? nodes : d.count }))
    .filter(({ d, n }) => n > 0 && d.pod[what] > 0)
    .sort((a, b) => b.n * b.d.pod[what] - a.n * a.d.pod[what])
    .slice(0, 3)
    .map(({ d, n }) => `${d.label} ${n} × ${describeQuantity(d.pod, what)}`)
    .join(", ");
}

function checkTotals(use: ClusterUse, percent: number, report: ReportViolation): void {
  const fleet = use.groups.map((g) => `${g.name} (${g.nodes} × ${g.instanceType})`).join(", ");
  for (const what of ["cpu", "memory", "pods"] as const) {
    const limit = (use.offered[what] * percent) / 100;
    if (use.asked[what] <= limit) continue;
    report(
      `The pods request ${describeQuantity(use.asked, what)} in all, the EKS add-ons included; ${fleet} ` +
        `${use.groups.length > 1 ? "offer" : "offers"} ${describeQuantity(use.offered, what)} allocatable at the desired size, ` +
        `${describeQuantity({ ...use.offered, [what]: limit }, what)} within the ${percent}% limit. Largest: ` +
        `${largest(use.demands, what, use.nodes)}. Raise the node groups' desiredSize or instance type ` +
        "(no cluster autoscaler grows them), or lower those requests.",
    );
  }
}

/** Every pod must fit one node next to the per-node DaemonSets and add-ons. */
function checkEachPod(use: ClusterUse, report: ReportViolation): void {
  const biggest = use.groups.reduce((a, b) => (b.node.memory > a.node.memory ? b : a));
  const room = {
    cpu: biggest.node.cpu - use.perNode.cpu,
    memory: biggest.node.memory - use.perNode.memory,
    pods: 1,
  };
  for (const d of use.demands) {
    if (d.count === "per node" || d.count === 0) continue;
    for (const what of ["cpu", "memory"] as const) {
      if (d.pod[what] <= room[what]) continue;
      report(
        `One pod of ${d.label} requests ${describeQuantity(d.pod, what)}; a ${biggest.instanceType} node has ` +
          `${describeQuantity(room, what)} left for it next to the DaemonSets and add-ons on every node.`,
        d.urn,
      );
    }
  }
}

/**
 * The article's lesson 4 from the other side: requests make scheduling predictable only if the
 * nodes can hold them. A stack whose pods outgrow its node groups plans and deploys, then leaves
 * Kafka brokers or OpenSearch nodes Pending until `pulumi up` times out. This checks, before
 * anything runs, that the declared pods fit the untainted node groups at their desired size.
 */
export const k8sFitsNodes: StackValidationPolicy = {
  name: "k8s-workloads-fit-nodes",
  description:
    "The pods the stack declares fit its EKS node groups at their desired size, and each pod fits one node.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const s = settings.read(args);
    const use = clusterUse(args.resources, systemPods(s));
    if (!use || use.demands.length === 0) return;
    for (const g of use.unknown) {
      report(
        `Instance type ${g.unknownType} is not in the sizing table (policies/lib/capacity.ts): add its vCPU, memory and ENI limits there, or set this policy to advisory in the pack config.`,
        args.resources.find((r) => r.type === "aws:eks/nodeGroup:NodeGroup" && r.name === g.name)?.urn,
      );
    }
    if (use.unknown.length > 0) return;
    if (use.groups.length === 0) {
      report("No untainted node group: the stack's pods, which tolerate no taint, have nowhere to run.");
      return;
    }
    checkTotals(use, s.maxUtilizationPercent, report);
    checkEachPod(use, report);
  },
};
