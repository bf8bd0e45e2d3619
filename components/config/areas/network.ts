import { z } from "zod";
import { awsId, privateCidr, retentionDays } from "../fields";
import { isAwsRegion } from "../regions";

export const INTERFACE_ENDPOINTS = [
  "ssm",
  "ssmmessages",
  "ec2messages",
  "ecr.api",
  "ecr.dkr",
  "sts",
  "secretsmanager",
  "logs",
] as const;

export const networkSchema = z.strictObject({
  /** The VPC range; a /16 to /18 from RFC 1918. */
  cidr: privateCidr.default("10.0.0.0/16"),
  azCount: z
    .number({ error: (i) => `expected a whole number of AZs from 2 to 6, got ${JSON.stringify(i.input)}` })
    .int()
    .min(2, { error: (i) => `expected 2 to 6 AZs, got ${JSON.stringify(i.input)}` })
    .max(6, { error: (i) => `expected 2 to 6 AZs, got ${JSON.stringify(i.input)}` })
    .default(3),
  /** Explicit AZ names; default: the first azCount letters of the region (a, b, c, ...). */
  availabilityZones: z.array(z.string()).optional(),
  natGateways: z
    .enum(["perAz", "single", "none"], {
      error: (i) => `expected one of perAz | single | none, got ${JSON.stringify(i.input)}`,
    })
    .default("perAz"),
  /** Whether data subnets (databases, etcd) get outbound internet through NAT for package installs. */
  dataEgress: z.boolean().default(true),
  flowLogs: z
    .strictObject({
      retentionDays: retentionDays.default(90),
      trafficType: z.enum(["ALL", "ACCEPT", "REJECT"]).default("ALL"),
    })
    .prefault({}),
  interfaceEndpoints: z.array(z.enum(INTERFACE_ENDPOINTS)).default([]),
  /**
   * The deploy runners' VPC, when `pulumi up` runs outside this one: the stack associates its
   * private zones with it and routes the runners' ranges back over the peering or Transit Gateway
   * (docs/production.md, step 5). The runners' side of the path stays theirs to set up.
   */
  deployRunners: z
    .strictObject({
      vpcId: awsId("vpc"),
      /** The runners' VPC region; default the stack's. */
      region: z
        .string()
        .refine(isAwsRegion, {
          error: (i) => `expected an AWS region such as eu-west-1, got ${JSON.stringify(i.input)}`,
        })
        .optional(),
      /** The runners' ranges: etcd's client port and the EKS API admit exactly these. */
      cidrs: z.array(privateCidr).min(1, { error: "expected at least one range of the runners" }),
      peeringConnectionId: awsId("pcx").optional(),
      transitGatewayId: awsId("tgw").optional(),
      /** The runners' VPC is in another account: authorize the zone associations, they make them. */
      crossAccount: z.boolean().default(false),
    })
    .refine((r) => (r.peeringConnectionId === undefined) !== (r.transitGatewayId === undefined), {
      error: "expected exactly one of peeringConnectionId (pcx-...) or transitGatewayId (tgw-...)",
    })
    .optional(),
});

export type NetworkConfig = z.infer<typeof networkSchema>;
