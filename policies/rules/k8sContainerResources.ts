import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { validateWorkloads } from "../lib/kubernetes";
import { at, record } from "../lib/values";

const settings = configurable(
  { resources: ["cpu", "memory"] },
  { resources: "Resources every container must both request and limit." },
);

/**
 * The article's lesson 4: a pod without requests is scheduled blind and one without limits can
 * starve its node, so every container, init containers too, declares both.
 */
export const k8sContainerResources: ResourceValidationPolicy = {
  name: "k8s-container-resources",
  description: "Kubernetes containers declare CPU and memory requests and limits.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateResource: validateWorkloads((workload, args, report) => {
    const { resources } = settings.read(args);
    for (const container of workload.containers) {
      for (const bound of ["requests", "limits"]) {
        const declared = record(at(container.spec, "resources", bound)) ?? {};
        const missing = resources.filter((r) => declared[r] === undefined || declared[r] === "");
        if (missing.length > 0) report(`${container.label} has no ${bound} for ${missing.join(", ")}.`);
      }
    }
  }),
};
