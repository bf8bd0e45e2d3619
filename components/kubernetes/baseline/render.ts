/**
 * The platform baseline as plain data: which namespaces exist, their Pod Security levels, the
 * default requests/limits every container gets, and each namespace's quota. Pure, so the values
 * that reach the cluster are tested straight from config.
 */
import type { KubernetesConfig } from "../../config/areas/kubernetes";

export const PLATFORM_NAMESPACES = ["platform", "logging", "monitoring", "apps"] as const;
export type PlatformNamespace = (typeof PLATFORM_NAMESPACES)[number];
export type NamespaceBudget = KubernetesConfig["namespaces"][PlatformNamespace];

/**
 * Pod Security Admission level enforced per namespace. Log shippers and node metrics agents read
 * host paths (/var/log, /proc), so logging and monitoring must allow privileged pods; everything
 * else is held to baseline and warned about anything short of restricted.
 */
export const POD_SECURITY: Record<PlatformNamespace, "privileged" | "baseline"> = {
  platform: "baseline",
  logging: "privileged",
  monitoring: "privileged",
  apps: "baseline",
};

/** Pods opt into their namespace's shared disruption budget with this label. */
export const DISRUPTION_BUDGET_LABEL = "switchyard.io/disruption-budget";
export const DISRUPTION_BUDGET_VALUE = "namespace";

export function namespaceLabels(ns: PlatformNamespace): Record<string, string> {
  return {
    "switchyard.io/namespace-class": ns,
    "pod-security.kubernetes.io/enforce": POD_SECURITY[ns],
    "pod-security.kubernetes.io/warn": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
  };
}

/** Defaults for containers that declare no requests or limits, so every pod counts against the quota. */
export function limitRangeSpec(budget: NamespaceBudget) {
  return {
    limits: [
      {
        type: "Container",
        defaultRequest: { cpu: budget.defaultRequest.cpu, memory: budget.defaultRequest.memory },
        default: { cpu: budget.defaultLimit.cpu, memory: budget.defaultLimit.memory },
      },
    ],
  };
}

export function resourceQuotaSpec(budget: NamespaceBudget) {
  return {
    hard: {
      "requests.cpu": budget.quota.requestsCpu,
      "requests.memory": budget.quota.requestsMemory,
      "limits.cpu": budget.quota.limitsCpu,
      "limits.memory": budget.quota.limitsMemory,
      pods: String(budget.quota.pods),
    },
  };
}

/**
 * A namespace-wide budget for the platform namespaces (apps get one per app from BlueGreenService):
 * when a node is drained, opted-in pods of the namespace are evicted one at a time, each only after
 * the previous one's replacement is Ready, so a node-group roll never takes e.g. Graylog and its
 * Kafka broker down together. maxUnavailable (not minAvailable) so a single-replica workload never
 * blocks a drain. Only Deployment and StatefulSet pods without a budget of their own should carry
 * the label (two budgets over one pod make every eviction fail).
 */
export function sharedDisruptionBudgetSpec(ns: PlatformNamespace) {
  if (ns === "apps") return undefined;
  return {
    maxUnavailable: 1,
    selector: { matchLabels: { [DISRUPTION_BUDGET_LABEL]: DISRUPTION_BUDGET_VALUE } },
  };
}
