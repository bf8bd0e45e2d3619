import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesConfig } from "../../config/areas/kubernetes";
import {
  limitRangeSpec,
  namespaceLabels,
  PLATFORM_NAMESPACES,
  resourceQuotaSpec,
  sharedDisruptionBudgetSpec,
  type PlatformNamespace,
} from "./render";

/**
 * Namespaces with their LimitRange, ResourceQuota and shared disruption budget. Returns each
 * namespace's name as an output that resolves once the namespace exists, so dependents wait for it.
 */
export function createNamespaces(
  name: string,
  budgets: KubernetesConfig["namespaces"],
  provider: k8s.Provider,
  parent: pulumi.Resource,
): Record<PlatformNamespace, pulumi.Output<string>> {
  const opts = { parent, provider };
  const entries = PLATFORM_NAMESPACES.map((ns) => {
    const namespace = new k8s.core.v1.Namespace(
      `${name}-${ns}`,
      // Fixed names: other stacks and components address these namespaces by name.
      { metadata: { name: ns, labels: namespaceLabels(ns) } },
      opts,
    );
    const metadata = { name: "baseline", namespace: namespace.metadata.name };
    new k8s.core.v1.LimitRange(`${name}-${ns}`, { metadata, spec: limitRangeSpec(budgets[ns]) }, opts);
    new k8s.core.v1.ResourceQuota(`${name}-${ns}`, { metadata, spec: resourceQuotaSpec(budgets[ns]) }, opts);
    const pdb = sharedDisruptionBudgetSpec(ns);
    if (pdb) {
      new k8s.policy.v1.PodDisruptionBudget(
        `${name}-${ns}`,
        { metadata: { ...metadata, name: "shared" }, spec: pdb },
        opts,
      );
    }
    return [ns, namespace.metadata.name] as const;
  });
  return Object.fromEntries(entries) as Record<PlatformNamespace, pulumi.Output<string>>;
}
