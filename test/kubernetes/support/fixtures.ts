/** Plans shared by the Kubernetes tests: prod as committed, and one variant exercising every option. */
import type { PlannedResource } from "../../../scripts/lib/evaluate";
import { descendantsOf, planStack, planVariant, type Plan } from "../../helpers/plan";

export const CLUSTER_TYPE = "switchyard:kubernetes:Cluster";

export function prod(): Plan {
  return planStack("prod");
}

/** Prod with a public endpoint, a pinned version, a second (Graviton, spot, tainted) node group, etc. */
export const CUSTOM = {
  version: "1.32",
  endpointPublicAccess: true,
  publicAccessCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
  logRetentionDays: 30,
  adminRoleArns: [
    "arn:aws:iam::123456789012:role/platform/admins",
    "arn:aws:iam::123456789012:role/ci-deploy",
  ],
  haproxyPorts: [
    { from: 30000, to: 32767 },
    { from: 8080, to: 8080 },
  ],
  webhookPorts: [9443],
  addonVersions: { coredns: "v1.12.4-eksbuild.1" },
  nodeGroups: {
    general: { instanceTypes: ["m7i.large"], minSize: 3, desiredSize: 3, maxSize: 6 },
    batch: {
      instanceTypes: ["m7g.xlarge", "c7g.xlarge"],
      capacityType: "SPOT",
      minSize: 0,
      desiredSize: 2,
      maxSize: 10,
      diskSizeGiB: 200,
      labels: { workload: "batch" },
      taints: [{ key: "switchyard.io/batch", value: "true", effect: "NO_SCHEDULE" }],
    },
  },
  namespaces: {
    apps: {
      defaultRequest: { cpu: "200m", memory: "192Mi" },
      defaultLimit: { cpu: "750m", memory: "768Mi" },
      quota: { requestsCpu: "24", requestsMemory: "48Gi", limitsCpu: "48", limitsMemory: "96Gi", pods: 300 },
    },
  },
};

let customPlan: Plan | undefined;

export function custom(): Plan {
  if (customPlan) return customPlan;
  const run = planVariant("prod", (cfg) => {
    cfg["switchyard:kubernetes"] = CUSTOM;
    cfg["switchyard:databases"] = { ...(cfg["switchyard:databases"] ?? {}), mongodb: { enabled: false } };
    // Graylog needs MongoDB (a config error otherwise): this variant runs without both.
    cfg["switchyard:logging"] = { ...(cfg["switchyard:logging"] ?? {}), enabled: false };
  });
  if (!run.plan) throw new Error(`custom plan failed (exit ${run.status}):\n${run.stderr}`);
  customPlan = run.plan;
  return customPlan;
}

export function clusterComponent(plan: Plan): PlannedResource {
  const found = plan.resources.filter((r) => r.type === CLUSTER_TYPE);
  if (found.length !== 1) throw new Error(`expected one ${CLUSTER_TYPE}, found ${found.length}`);
  return found[0];
}

/** Resources of a type inside the Kubernetes component. */
export function inCluster(plan: Plan, type: string): PlannedResource[] {
  return descendantsOf(plan, clusterComponent(plan).urn).filter((r) => r.type === type);
}

export function one(plan: Plan, type: string): PlannedResource {
  const found = inCluster(plan, type);
  if (found.length !== 1)
    throw new Error(`expected one ${type} in the cluster component, found ${found.length}`);
  return found[0];
}

/** The fake id the mocks give a resource (`<name>-id`), as other resources' inputs reference it. */
export function idOf(r: PlannedResource): string {
  return `${r.name}-id`;
}

/** A resource's recorded inputs, loosely typed: tests navigate the provider's own input shapes. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- plan inputs are untyped JSON
export function inputs(r: PlannedResource): Record<string, any> {
  return r.inputs;
}
