/**
 * What the cluster's nodes offer and what the stack's pods ask for, for the scheduling-capacity
 * policy (rules/k8sFitsNodes.ts). Pure: instance sizes, EKS's allocatable formula and the pod
 * requests read from the declared resources. Figures are approximations a real node confirms with
 * `kubectl describe node` (Allocatable); docs/policies.md says how close they are.
 */
import { cpuCores, GIB, memoryBytes, MIB } from "../../model/quantity";
import { containersOf, kubernetesKind, operatorTemplates, podSpecOf, type SizedTemplate } from "./kubernetes";
import { at, record, records, text, type Props } from "./values";

export interface Quantities {
  cpu: number;
  /** Bytes. */
  memory: number;
  pods: number;
}

export const ZERO: Quantities = { cpu: 0, memory: 0, pods: 0 };

export function plus(a: Quantities, b: Quantities, times = 1): Quantities {
  return { cpu: a.cpu + times * b.cpu, memory: a.memory + times * b.memory, pods: a.pods + times * b.pods };
}

export interface InstanceSize {
  vcpu: number;
  memoryGiB: number;
  /** Pods the VPC CNI can address without prefix delegation: ENIs × (IPv4 per ENI − 1) + 2. */
  maxPods: number;
}

/** Memory per vCPU of the general-purpose (m), compute (c) and memory (r) families, 5th generation on. */
const GIB_PER_VCPU: Record<string, number> = { m: 4, c: 2, r: 8 };
const FAMILY = /^([mcr])([5-8])([agin]*)(d|n|dn)?(-flex)?$/;
/** ENIs × IPv4 addresses per ENI by size, the same across those families (EC2 "IP addresses per network interface"). */
const ENI_BY_SIZE: Record<string, [number, number]> = {
  medium: [2, 4],
  large: [3, 10],
  xlarge: [4, 15],
  "2xlarge": [4, 15],
  "4xlarge": [8, 30],
  "8xlarge": [8, 30],
  "12xlarge": [8, 30],
  "16xlarge": [15, 50],
  "24xlarge": [15, 50],
};
/** Burstable sizes: [vCPU, GiB, ENIs, IPv4 per ENI]. */
const BURSTABLE: Record<string, [number, number, number, number]> = {
  nano: [2, 0.5, 2, 2],
  micro: [2, 1, 2, 2],
  small: [2, 2, 3, 4],
  medium: [2, 4, 3, 6],
  large: [2, 8, 3, 12],
  xlarge: [4, 16, 4, 15],
  "2xlarge": [8, 32, 4, 15],
};

const maxPods = (enis: number, ips: number) => enis * (ips - 1) + 2;

/** The size of an instance type, or undefined when this table does not know it. */
export function instanceSize(type: string): InstanceSize | undefined {
  const [family, size] = type.split(".");
  if (["t3", "t3a", "t4g"].includes(family)) {
    const b = BURSTABLE[size];
    return b && { vcpu: b[0], memoryGiB: b[1], maxPods: maxPods(b[2], b[3]) };
  }
  const f = FAMILY.exec(family);
  const eni = ENI_BY_SIZE[size];
  if (!f || !eni) return undefined;
  const vcpu = size === "medium" ? 1 : size === "large" ? 2 : 4 * (Number(size.replace("xlarge", "")) || 1);
  return { vcpu, memoryGiB: vcpu * GIB_PER_VCPU[f[1]], maxPods: maxPods(...eni) };
}

/** Share of the nominal memory the kernel reports to the kubelet (firmware and kernel keep the rest). */
const VISIBLE_MEMORY = 0.95;
const EVICTION_HARD = 100 * MIB;

/**
 * A node's allocatable resources as the EKS AMIs configure the kubelet: kube-reserved memory
 * 255 MiB + 11 MiB per pod, kube-reserved CPU 6 % of the first core, 1 % of the second, 0.5 % of
 * the next two and 0.25 % of the rest, and a 100 MiB eviction threshold.
 */
export function allocatable(size: InstanceSize): Quantities {
  const cores = size.vcpu;
  const reservedCpu =
    0.06 * Math.min(cores, 1) +
    0.01 * Math.min(Math.max(cores - 1, 0), 1) +
    0.005 * Math.min(Math.max(cores - 2, 0), 2) +
    0.0025 * Math.max(cores - 4, 0);
  const reservedMemory = (255 + 11 * size.maxPods) * MIB + EVICTION_HARD;
  return {
    cpu: cores - reservedCpu,
    memory: size.memoryGiB * GIB * VISIBLE_MEMORY - reservedMemory,
    pods: size.maxPods,
  };
}

type Bound = "requests" | "limits";

/** One container's requests (or limits), zero where unset. */
function requestsOf(resources: unknown, bound: Bound = "requests"): Quantities {
  const values = record(at(resources, bound)) ?? {};
  const cpu = text(values.cpu);
  const memory = text(values.memory);
  return { cpu: cpu ? cpuCores(cpu) : 0, memory: memory ? memoryBytes(memory) : 0, pods: 0 };
}

/**
 * One pod's requests (or limits) as the scheduler and quotas count them: the containers' sum, or
 * the largest init container if more.
 */
export function podRequests(podSpec: Props, bound: Bound = "requests"): Quantities {
  const containers = containersOf(podSpec);
  const sum = containers
    .filter((c) => !c.init)
    .reduce((q, c) => plus(q, requestsOf(c.spec.resources, bound)), ZERO);
  const init = containers.filter((c) => c.init).map((c) => requestsOf(c.spec.resources, bound));
  return {
    cpu: Math.max(sum.cpu, ...init.map((q) => q.cpu)),
    memory: Math.max(sum.memory, ...init.map((q) => q.memory)),
    pods: 1,
  };
}

export interface PodDemand {
  /** `Deployment shop-blue`: how messages name what asks. */
  label: string;
  /** One pod's requests. */
  pod: Quantities;
  /** One pod's limits (what a namespace quota's limits.* count). */
  limits: Quantities;
  /** Pods of it in the whole cluster, or "per node" for a DaemonSet. */
  count: number | "per node";
}

/** The pods a declared resource runs, whatever creates them: a workload, an operator or a chart. */
export function podDemand(type: string, name: string, props: Props): PodDemand[] {
  const kind = kubernetesKind(type);
  if (!kind) return [];
  const spec = podSpecOf(kind, props);
  if (spec) {
    const replicas = Number(at(props, "spec", "replicas") ?? 1);
    const count = kind === "DaemonSet" ? "per node" : kind === "CronJob" ? 1 : replicas;
    return [{ label: `${kind} ${name}`, pod: podRequests(spec), limits: podRequests(spec, "limits"), count }];
  }
  // Operator- and chart-made pods: a node pool's replicas share its sizing; the entity operator is
  // one pod of both operators; a chart's operator runs `values.replicas` pods (default 1).
  const templates = operatorTemplates(type, props);
  const pods = (label: string, sized: SizedTemplate[], count: number): PodDemand => {
    const sum = (bound: Bound) => ({
      ...sized.reduce((q, t) => plus(q, requestsOf(t.resources, bound)), ZERO),
      pods: 1,
    });
    return { label, pod: sum("requests"), limits: sum("limits"), count };
  };
  if (templates.length === 0) return [];
  if (kind === "KafkaNodePool")
    return [pods(`${kind} ${name}`, templates, Number(at(props, "spec", "replicas") ?? 1))];
  if (kind === "Kafka") {
    const entity = templates.filter((t) => t.label.startsWith("entity operator"));
    return [
      ...(entity.length > 0 ? [pods(`${kind} ${name} entity operator`, entity, 1)] : []),
      ...templates.filter((t) => !entity.includes(t)).map((t) => pods(`${kind} ${name} ${t.label}`, [t], 1)),
    ];
  }
  const replicas = Number(at(props, "values", "replicas") ?? 1);
  return templates.map((t) => pods(`${kind} ${name}: ${t.label}`, [t], replicas));
}

export interface NodeGroupCapacity {
  name: string;
  instanceType: string;
  nodes: number;
  /** One node's allocatable resources. */
  node: Quantities;
  /** Whether pods without tolerations can run there (no NoSchedule/NoExecute taint). */
  general: boolean;
}

/**
 * A managed node group's nodes at its desired size, sized by its smallest instance type (the one
 * EKS may well launch). Undefined size: an instance type the table does not know.
 */
function nodeGroupCapacity(
  name: string,
  props: Props,
): NodeGroupCapacity | { name: string; unknownType: string } {
  const types = (Array.isArray(props.instanceTypes) ? props.instanceTypes : []).map(String);
  const sized = types.map((t) => ({ t, size: instanceSize(t) }));
  const unknown = sized.find((s) => !s.size);
  if (unknown || sized.length === 0) return { name, unknownType: unknown?.t ?? "(none)" };
  const smallest = sized.reduce((a, b) =>
    allocatable(b.size!).memory < allocatable(a.size!).memory ? b : a,
  );
  const taints = records(props.taints);
  return {
    name,
    instanceType: smallest.t,
    nodes: Number(at(props, "scalingConfig", "desiredSize") ?? 0),
    node: allocatable(smallest.size!),
    general: !taints.some((t) => ["NO_SCHEDULE", "NO_EXECUTE"].includes(String(t.effect))),
  };
}

/** The namespace a declared resource's pods run in (a Helm release's `namespace`, else its metadata's). */
export function namespaceOf(props: Props): string | undefined {
  return text(props.namespace) ?? text(at(props, "metadata", "namespace"));
}

/** The EKS add-ons' own pods: on every node (DaemonSets) and once per cluster (Deployments). */
export interface SystemPods {
  node: Quantities;
  cluster: Quantities;
}

export interface ClusterUse {
  /** Untainted node groups, where the stack's pods (which tolerate no taint) run. */
  groups: NodeGroupCapacity[];
  /** Node groups whose instance type the sizing table does not know. */
  unknown: { name: string; unknownType: string }[];
  nodes: number;
  /** Each with the URN of the resource that declares it, where the caller gave one. */
  demands: (PodDemand & { urn?: string })[];
  /** What the untainted groups offer at their desired size. */
  offered: Quantities;
  /** What every declared pod and the add-ons request. */
  asked: Quantities;
  /** What every node gives the DaemonSets and add-ons before any other pod lands. */
  perNode: Quantities;
}

/** Offer and demand of the stack's cluster; undefined for a stack without node groups. */
export function clusterUse(
  resources: { type: string; name: string; props: Props; urn?: string }[],
  system: SystemPods,
): ClusterUse | undefined {
  const sized = resources
    .filter((r) => r.type === "aws:eks/nodeGroup:NodeGroup")
    .map((g) => nodeGroupCapacity(g.name, g.props));
  if (sized.length === 0) return undefined;
  const unknown = sized.filter((g): g is { name: string; unknownType: string } => "unknownType" in g);
  const groups = sized.filter((g): g is NodeGroupCapacity => !("unknownType" in g) && g.general);
  const demands = resources.flatMap((r) =>
    podDemand(r.type, r.name, r.props).map((d) => ({ ...d, urn: r.urn })),
  );
  const nodes = groups.reduce((n, g) => n + g.nodes, 0);
  return {
    groups,
    unknown,
    nodes,
    demands,
    offered: groups.reduce((q, g) => plus(q, g.node, g.nodes), ZERO),
    asked: demands.reduce(
      (q, d) => plus(q, d.pod, d.count === "per node" ? nodes : d.count),
      plus(system.cluster, system.node, nodes),
    ),
    perNode: demands.filter((d) => d.count === "per node").reduce((q, d) => plus(q, d.pod), system.node),
  };
}
