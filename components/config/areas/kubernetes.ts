import { z } from "zod";
import {
  arn,
  cidr,
  privateCidr,
  cpuQuantity,
  dnsLabel,
  instanceType,
  memoryQuantity,
  retentionDays,
} from "../fields";

const taint = z.strictObject({
  key: z.string().regex(/^[a-z0-9.\-/]{1,253}$/, { error: "expected a label-style taint key" }),
  value: z.string().max(63).default(""),
  effect: z.enum(["NO_SCHEDULE", "NO_EXECUTE", "PREFER_NO_SCHEDULE"]),
});

const nodeGroup = z
  .strictObject({
    instanceTypes: z.array(instanceType).min(1).default(["m7i.xlarge"]),
    capacityType: z.enum(["ON_DEMAND", "SPOT"]).default("ON_DEMAND"),
    minSize: z.number().int().min(0).default(3),
    maxSize: z.number().int().min(1).default(9),
    desiredSize: z.number().int().min(0).default(3),
    diskSizeGiB: z.number().int().min(20).max(2000).default(50),
    labels: z.record(z.string(), z.string()).default({}),
    taints: z.array(taint).default([]),
  })
  .refine((g) => g.minSize <= g.desiredSize && g.desiredSize <= g.maxSize, {
    error: "expected minSize <= desiredSize <= maxSize",
  });

const namespaceBudget = z.strictObject({
  defaultRequest: z
    .strictObject({ cpu: cpuQuantity, memory: memoryQuantity })
    .prefault({ cpu: "100m", memory: "128Mi" }),
  defaultLimit: z
    .strictObject({ cpu: cpuQuantity, memory: memoryQuantity })
    .prefault({ cpu: "500m", memory: "512Mi" }),
  quota: z
    .strictObject({
      requestsCpu: cpuQuantity.default("8"),
      requestsMemory: memoryQuantity.default("16Gi"),
      limitsCpu: cpuQuantity.default("16"),
      limitsMemory: memoryQuantity.default("32Gi"),
      pods: z.number().int().min(1).default(100),
    })
    .prefault({}),
});

export const kubernetesSchema = z.strictObject({
  version: z
    .string()
    .regex(/^1\.\d{2}$/, { error: "expected a Kubernetes minor version such as 1.33" })
    .default("1.33"),
  endpointPublicAccess: z.boolean().default(false),
  /** Only used when endpointPublicAccess is true; 0.0.0.0/0 is refused by policy. */
  publicAccessCidrs: z.array(cidr).default([]),
  /** Kubernetes service range; must not overlap the VPC. */
  serviceCidr: privateCidr.default("172.20.0.0/16"),
  adminRoleArns: z.array(arn).default([]),
  logRetentionDays: retentionDays.default(90),
  nodeGroups: z.record(dnsLabel, nodeGroup).default({ general: nodeGroup.parse({}) }),
  namespaces: z
    .strictObject({
      platform: namespaceBudget.prefault({}),
      logging: namespaceBudget.prefault({}),
      monitoring: namespaceBudget.prefault({}),
      apps: namespaceBudget.prefault({}),
    })
    .prefault({}),
});

export type KubernetesConfig = z.infer<typeof kubernetesSchema>;
