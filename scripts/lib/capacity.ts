/**
 * The plan's capacity summary: what the cluster's untainted node groups offer at their desired
 * size and what the stack's pods and the EKS add-ons request, as the k8s-workloads-fit-nodes
 * policy computes it (same functions, same settings from pack config), so a reviewer sees how
 * close a change takes the cluster to the policy's limit.
 */
import { clusterUse } from "../../policies/lib/capacity";
import {
  CAPACITY_DEFAULTS,
  describeQuantity,
  k8sFitsNodes,
  systemPods,
} from "../../policies/rules/k8sFitsNodes";
import { GIB } from "../../model/quantity";
import type { PlannedResource } from "./evaluate";
import { settingsOf, type PackConfig } from "./policies";

export interface CapacitySummary {
  nodeGroups: { name: string; instanceType: string; nodes: number }[];
  /** Allocatable at the desired size, and what is requested: CPU cores, memory GiB, pods. */
  allocatable: { cpu: number; memoryGiB: number; pods: number };
  requested: { cpu: number; memoryGiB: number; pods: number };
  limitPercent: number;
}

const round = (n: number) => Math.round(n * 100) / 100;

export function planCapacity(
  resources: PlannedResource[],
  packConfig: PackConfig,
): CapacitySummary | undefined {
  const settings = { ...CAPACITY_DEFAULTS, ...settingsOf(packConfig, k8sFitsNodes.name) };
  const use = clusterUse(
    resources.map((r) => ({ type: r.type, name: r.name, props: r.inputs, urn: r.urn })),
    systemPods(settings),
  );
  if (!use || use.groups.length === 0) return undefined;
  const figures = (q: { cpu: number; memory: number; pods: number }) => ({
    cpu: round(q.cpu),
    memoryGiB: round(q.memory / GIB),
    pods: q.pods,
  });
  return {
    nodeGroups: use.groups.map((g) => ({ name: g.name, instanceType: g.instanceType, nodes: g.nodes })),
    allocatable: figures(use.offered),
    requested: figures(use.asked),
    limitPercent: settings.maxUtilizationPercent,
  };
}

export function renderCapacity(c: CapacitySummary): string {
  const share = (asked: number, offered: number) => `${Math.round((100 * asked) / offered)}%`;
  const q = (s: CapacitySummary["allocatable"]) => ({ cpu: s.cpu, memory: s.memoryGiB * GIB, pods: s.pods });
  const row = (what: "cpu" | "memory" | "pods", label: string) => {
    const [asked, offered] = [q(c.requested), q(c.allocatable)];
    return `    ${label.padEnd(8)} ${describeQuantity(asked, what)} of ${describeQuantity(offered, what)} (${share(asked[what], offered[what])})`;
  };
  return [
    `Cluster capacity at the desired size (${c.nodeGroups.map((g) => `${g.name}: ${g.nodes} × ${g.instanceType}`).join(", ")}; ` +
      `requests may use ${c.limitPercent}%, k8s-workloads-fit-nodes):`,
    row("cpu", "cpu"),
    row("memory", "memory"),
    row("pods", "pods"),
  ].join("\n");
}
