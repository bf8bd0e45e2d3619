import { z } from "zod";
import {
  arn,
  cidr,
  privateCidr,
  cpuQuantity,
  instanceType,
  memoryQuantity,
  namedRecord,
  retentionDays,
} from "../fields";
import { isPort } from "../../../model/validators";
import { instanceArch } from "../../common/architecture";

const port = z
  .number()
  .int()
  .refine(isPort, { error: (i) => `expected a TCP port 1-65535, got ${JSON.stringify(i.input)}` });

const portRange = z
  .strictObject({ from: port, to: port })
  .refine((r) => r.from <= r.to, { error: "expected from <= to" });

/** EKS managed add-ons this stack installs; a pinned version overrides the cluster version's default. */
export const ADDON_NAMES = [
  "vpc-cni",
  "kube-proxy",
  "eks-pod-identity-agent",
  "coredns",
  "aws-ebs-csi-driver",
] as const;
export type AddonName = (typeof ADDON_NAMES)[number];

const addonVersion = z
  .string()
  .regex(/^v\d+\.\d+\.\d+-eksbuild\.\d+$/, { error: "expected an add-on version such as v1.19.5-eksbuild.1" })
  .optional();

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
  })
  // One AMI type serves a node group, so its instance types must share a CPU architecture.
  .refine((g) => new Set(g.instanceTypes.map(instanceArch)).size === 1, {
    error: "expected instance types of one CPU architecture (all Graviton or all x86)",
    path: ["instanceTypes"],
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

const securityGroupId = z.string().regex(/^sg-[0-9a-f]{8,17}$/, {
  error: (i) => `expected a security group id such as sg-0123456789abcdef0, got ${JSON.stringify(i.input)}`,
});

/** One extra path out of the worker nodes (so their pods), e.g. to an app team's own database. */
const nodeEgressRule = z
  .strictObject({
    /** A destination range (not 0.0.0.0/0) ... */
    cidr: cidr
      .refine((v) => !v.endsWith("/0"), { error: "expected a destination range narrower than /0" })
      .optional(),
    /** ... or a destination security group (in the VPC or a peered one). */
    securityGroupId: securityGroupId.optional(),
    port,
    /** Last port of a range; default `port`. */
    toPort: port.optional(),
    protocol: z.enum(["tcp", "udp"], { error: 'expected "tcp" or "udp"' }).default("tcp"),
    description: z.string().max(200).optional(),
  })
  .refine((r) => (r.cidr === undefined) !== (r.securityGroupId === undefined), {
    error: "expected exactly one of cidr or securityGroupId",
  })
  .refine((r) => r.toPort === undefined || r.toPort >= r.port, {
    error: "expected toPort >= port",
    path: ["toPort"],
  });

export type NodeEgressRule = z.infer<typeof nodeEgressRule>;

export const kubernetesSchema = z
  .strictObject({
    version: z
      .string()
      .regex(/^1\.\d{2}$/, { error: "expected a Kubernetes minor version such as 1.33" })
      .default("1.33"),
    endpointPublicAccess: z.boolean().default(false),
    /** Only used when endpointPublicAccess is true; 0.0.0.0/0 is refused by policy. */
    publicAccessCidrs: z.array(cidr).default([]),
    /**
     * Ranges reaching the private API endpoint on 443: where `pulumi up` runs (deploy runners in
     * or peered with the VPC) and administrators. Empty means the VPC range (runners inside the
     * VPC); without any path a private cluster is unreachable for every Kubernetes resource.
     */
    apiAccessCidrs: z.array(cidr).default([]),
    /** Kubernetes service range; must not overlap the VPC. */
    serviceCidr: privateCidr.default("172.20.0.0/16"),
    /** IAM roles granted cluster admin through access entries; the deploy role must be one of them. */
    adminRoleArns: z.array(arn).default([]),
    /** EKS refuses to delete the cluster while true; set false (and `pulumi up`) before a destroy. */
    deletionProtection: z.boolean().default(true),
    logRetentionDays: retentionDays.default(90),
    nodeGroups: namedRecord("a node group", nodeGroup).default({ general: nodeGroup.parse({}) }),
    /**
     * Extra ports on the nodes the HAProxy fleets may reach. Members are pod IP + container port
     * (switchyard-registrar) and this stack's apps' ports are opened from `switchyard:apps`
     * (`appPorts`), so none by default; list the container ports of apps that app teams declare
     * in their own stacks.
     */
    haproxyPorts: z.array(portRange).default([]),
    /**
     * Extra egress from the nodes, by name (the rule's resource name): what app teams' pods must
     * reach beyond HTTPS, etcd and this stack's databases, e.g. a team's PostgreSQL.
     */
    nodeEgress: namedRecord("a node egress rule", nodeEgressRule).default({}),
    /** Ports the control plane may call on pods (admission webhooks, aggregated APIs), besides the kubelet. */
    webhookPorts: z.array(port).default([443, 9443]),
    addonVersions: z
      .strictObject(
        Object.fromEntries(ADDON_NAMES.map((n) => [n, addonVersion])) as Record<
          AddonName,
          typeof addonVersion
        >,
      )
      .prefault({}),
    /** Budgets per platform namespace (see PLATFORM_NAMESPACES in components/kubernetes). */
    namespaces: z
      .strictObject({
        platform: namespaceBudget.prefault({}),
        logging: namespaceBudget.prefault({}),
        monitoring: namespaceBudget.prefault({}),
        apps: namespaceBudget.prefault({}),
      })
      .prefault({}),
  })
  // With no CIDRs EKS opens a public endpoint to 0.0.0.0/0: a public endpoint must name its callers.
  .refine((k) => !k.endpointPublicAccess || k.publicAccessCidrs.length > 0, {
    error: "expected at least one publicAccessCidrs entry when endpointPublicAccess is true",
    path: ["publicAccessCidrs"],
  });

export type KubernetesConfig = z.infer<typeof kubernetesSchema>;
