import type { ReportViolation, ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { operatorTemplates, validateWorkloads } from "../lib/kubernetes";
import { at, record } from "../lib/values";

const settings = configurable(
  { resources: ["cpu", "memory"] },
  { resources: "Resources every container must both request and limit." },
);

function checkResources(label: string, declared: unknown, resources: string[], report: ReportViolation) {
  for (const bound of ["requests", "limits"]) {
    const values = record(at(declared, bound)) ?? {};
    const missing = resources.filter((r) => values[r] === undefined || values[r] === "");
    if (missing.length > 0) report(`${label} has no ${bound} for ${missing.join(", ")}.`);
  }
}

/**
 * The article's lesson 4: a pod without requests is scheduled blind and one without limits can
 * starve its node, so every container, init containers too, declares both; and so do the pods that
 * operators and charts create from what we declare (Strimzi's node pools and entity operator, a
 * Helm release's operator), checked on the resource that sizes them.
 */
export const k8sContainerResources: ResourceValidationPolicy = {
  name: "k8s-container-resources",
  description: "Kubernetes containers declare CPU and memory requests and limits.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateResource: [
    validateWorkloads((workload, args, report) => {
      const { resources } = settings.read(args);
      for (const container of workload.containers)
        checkResources(container.label, at(container.spec, "resources"), resources, report);
    }),
    (args, report) => {
      const { resources } = settings.read(args);
      for (const t of operatorTemplates(args.type, args.props))
        checkResources(t.label, t.resources, resources, report);
    },
  ],
};
