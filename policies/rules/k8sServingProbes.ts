import type { ResourceValidationPolicy } from "@pulumi/policy";
import { LONG_RUNNING_KINDS, validateWorkloads } from "../lib/kubernetes";
import { records } from "../lib/values";

/**
 * Blue-green switching trusts readiness: a colour goes live only when all its pods are ready, and
 * a wedged process is only restarted by its liveness probe. A container that declares a port
 * serves traffic, so in long-running workloads it must have both probes.
 */
export const k8sServingProbes: ResourceValidationPolicy = {
  name: "k8s-serving-probes",
  description: "Containers that serve a port in long-running workloads have readiness and liveness probes.",
  enforcementLevel: "mandatory",
  validateResource: validateWorkloads((workload, _args, report) => {
    if (!LONG_RUNNING_KINDS.has(workload.kind)) return;
    for (const container of workload.containers) {
      if (container.init || records(container.spec.ports).length === 0) continue;
      const missing = ["readinessProbe", "livenessProbe"].filter((probe) => !container.spec[probe]);
      if (missing.length > 0) report(`${container.label} serves a port but has no ${missing.join(" or ")}.`);
    }
  }),
};
