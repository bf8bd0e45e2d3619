import type { ResourceValidationPolicy } from "@pulumi/policy";
import { validateWorkloads } from "../lib/kubernetes";
import { records } from "../lib/values";

/**
 * The article rejects publishing services on host ports (port clashes, hosts that cannot be
 * replaced or scaled freely); traffic reaches pods through HAProxy and Services instead.
 */
export const k8sNoHostPorts: ResourceValidationPolicy = {
  name: "k8s-no-host-ports",
  description: "Pods publish no host ports and do not share the host's network namespace.",
  enforcementLevel: "mandatory",
  validateResource: validateWorkloads((workload, _args, report) => {
    if (workload.podSpec.hostNetwork === true)
      report(`The ${workload.kind} runs in the host network namespace.`);
    for (const container of workload.containers) {
      for (const port of records(container.spec.ports)) {
        if (port.hostPort !== undefined)
          report(`${container.label} publishes host port ${String(port.hostPort)}.`);
      }
    }
  }),
};
