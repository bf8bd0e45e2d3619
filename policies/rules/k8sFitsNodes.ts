import type { PolicyResource, ReportViolation, StackValidationPolicy } from "@pulumi/policy";
import { cpuCores, GIB, memoryBytes } from "../../model/quantity";
import { configurable } from "../lib/config";
import {
  nodeGroupCapacity,
  plus,
  podDemand,
  ZERO,
  type NodeGroupCapacity,
  type PodDemand,
  type Quantities,
} from "../lib/capacity";
import { ofType } from "../lib/stack";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";

const settings = configurable(
  {
    maxUtilizationPercent: 90,
    systemPerNodeCpu: "200m",
    systemPerNodeMemory: "300Mi",
    systemPerClusterCpu: "400m",
    systemPerClusterMemory: "600Mi",
  },
  {
    maxUtilizationPercent:
      "Share of the nodes' allocatable resources the declared pods may request (the rest: a release's idle colour scaling up, rolling updates).",
    systemPerNodeCpu:
      "CPU the EKS add-ons' DaemonSets request on every node (kube-proxy, VPC CNI, EBS CSI node, Pod Identity agent).",
    systemPerNodeMemory: "Memory the EKS add-ons' DaemonSets request on every node.",
    systemPerClusterCpu: "CPU the EKS add-ons' Deployments request in all (CoreDNS, EBS CSI controller).",
    systemPerClusterMemory: "Memory the EKS add-ons' Deployments request in all.",
  },
);

const gib = (bytes: number) => `${(bytes / GIB).toFixed(1)} GiB`;
const cores = (n: number) => `${n.toFixed(2)} CPU`;

function describe(q: Quantities, what: "cpu" | "memory" | "pods"): string {
  return what === "cpu" ? cores(q.cpu) : what === "memory" ? gib(q.memory) : `${q.pods} pods`;
}

function largest(demands: PodDemand[], what: "cpu" | "memory" | "pods", nodes: number): string {
  return demands
    .map((d) => ({ d, n: d.count === "per node" ? nodes : d.count }))
    .filter(({ d, n }) => n > 0 && d.pod[what] > 0)
    .sort((a, b) => b.n * b.d.pod[what] - a.n * a.d.pod[what])
    .slice(0, 3)
    .map(({ d, n }) => `${d.label} ${n} × ${describe(d.pod, what)}`)
    .join(", ");
}

function checkTotals(
  groups: NodeGroupCapacity[],
  demands: PodDemand[],
  system: { node: Quantities; cluster: Quantities },
  percent: number,
  report: ReportViolation,
): void {
  const nodes = groups.reduce((n, g) => n + g.nodes, 0);
  const offered = groups.reduce((q, g) => plus(q, g.node, g.nodes), ZERO);
  const asked = demands.reduce(
    (q, d) => plus(q, d.pod, d.count === "per node" ? nodes : d.count),
    plus(system.cluster, system.node, nodes),
  );
  const fleet = groups.map((g) => `${g.name} (${g.nodes} × ${g.instanceType})`).join(", ");
  for (const what of ["cpu", "memory", "pods"] as const) {
    const limit = (offered[what] * percent) / 100;
    if (asked[what] <= limit) continue;
    report(
      `The pods request ${describe(asked, what)} in all, the EKS add-ons included; ${fleet} ` +
        `${groups.length > 1 ? "offer" : "offers"} ${describe(offered, what)} allocatable at the desired size, ` +
        `${describe({ ...offered, [what]: limit }, what)} within the ${percent}% limit. Largest: ` +
        `${largest(demands, what, nodes)}. Raise the node groups' desiredSize or instance type ` +
        "(no cluster autoscaler grows them), or lower those requests.",
    );
  }
}

/** Every pod must fit one node next to the per-node DaemonSets and add-ons. */
function checkEachPod(
  groups: NodeGroupCapacity[],
  workloads: { resource: PolicyResource; demands: PodDemand[] }[],
  perNode: Quantities,
  report: ReportViolation,
): void {
  const biggest = groups.reduce((a, b) => (b.node.memory > a.node.memory ? b : a));
  const room = { cpu: biggest.node.cpu - perNode.cpu, memory: biggest.node.memory - perNode.memory, pods: 1 };
  for (const { resource, demands } of workloads) {
    for (const d of demands.filter((x) => x.count !== "per node" && x.count > 0)) {
      for (const what of ["cpu", "memory"] as const) {
        if (d.pod[what] <= room[what]) continue;
        report(
          `One pod of ${d.label} requests ${describe(d.pod, what)}; a ${biggest.instanceType} node has ` +
            `${describe(room as Quantities, what)} left for it next to the DaemonSets and add-ons on every node.`,
          resource.urn,
        );
      }
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
    const workloads = args.resources
      .map((resource) => ({ resource, demands: podDemand(resource.type, resource.name, resource.props) }))
      .filter((w) => w.demands.length > 0);
    const nodeGroups = ofType(args.resources, NODE_GROUP);
    if (workloads.length === 0 || nodeGroups.length === 0) return;
    const groups: NodeGroupCapacity[] = [];
    for (const g of nodeGroups) {
      const c = nodeGroupCapacity(g.name, g.props);
      if ("unknownType" in c) {
        report(
          `Instance type ${c.unknownType} is not in the sizing table (policies/lib/capacity.ts): add its vCPU, memory and ENI limits there, or set this policy to advisory in the pack config.`,
          g.urn,
        );
        return;
      }
      if (c.general) groups.push(c);
    }
    if (groups.length === 0) {
      report("No untainted node group: the stack's pods, which tolerate no taint, have nowhere to run.");
      return;
    }
    const system = {
      node: { cpu: cpuCores(s.systemPerNodeCpu), memory: memoryBytes(s.systemPerNodeMemory), pods: 4 },
      cluster: {
        cpu: cpuCores(s.systemPerClusterCpu),
        memory: memoryBytes(s.systemPerClusterMemory),
        pods: 4,
      },
    };
    const demands = workloads.flatMap((w) => w.demands);
    checkTotals(groups, demands, system, s.maxUtilizationPercent, report);
    const perNode = demands
      .filter((d) => d.count === "per node")
      .reduce((q, d) => plus(q, d.pod), system.node);
    checkEachPod(groups, workloads, perNode, report);
  },
};
