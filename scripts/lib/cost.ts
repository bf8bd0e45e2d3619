/**
 * A rough monthly cost of a plan, to make fixed overheads visible (the control plane, etcd, NAT,
 * idle fleets: the article's lesson that they dominate small deployments). List prices, on-demand,
 * USD, eu-west-1, approximate; for comparing stacks and changes, not for billing.
 */
import type { PlannedResource } from "./evaluate";

const HOURS_PER_MONTH = 730;

/** USD per hour, on-demand Linux. */
export const INSTANCE_HOURLY: Record<string, number> = {
  "t3.medium": 0.0456,
  "t3.large": 0.0912,
  "m7i.large": 0.1118,
  "m7i.xlarge": 0.2237,
  "m7i.2xlarge": 0.4474,
  "c7i.large": 0.0977,
  "c7i.xlarge": 0.1953,
  "r7i.large": 0.1478,
  "r7i.xlarge": 0.2957,
};

const FLAT_MONTHLY: Record<string, number> = {
  "aws:eks/cluster:Cluster": 0.1 * HOURS_PER_MONTH,
  "aws:ec2/natGateway:NatGateway": 0.048 * HOURS_PER_MONTH,
  "aws:ec2/eip:Eip": 0.005 * HOURS_PER_MONTH,
  "aws:lb/loadBalancer:LoadBalancer": 0.0252 * HOURS_PER_MONTH,
  "aws:kms/key:Key": 1,
  "aws:secretsmanager/secret:Secret": 0.4,
};

const GP3_GB_MONTH = 0.088;
const GP3_IOPS_MONTH = 0.0055; // above the included 3,000
const GP3_MIBPS_MONTH = 0.044; // above the included 125 MiB/s
const INTERFACE_ENDPOINT_AZ_HOURLY = 0.011;

export interface CostLine {
  type: string;
  name: string;
  monthlyUsd: number;
}

export interface CostEstimate {
  monthlyUsd: number;
  lines: CostLine[];
  /** Instance types with no price in the table: their hosts are left out of the total. */
  unpriced: string[];
}

type Inputs = Record<string, unknown>;

function gp3(sizeGiB: number, iops = 3000, throughput = 125): number {
  return (
    sizeGiB * GP3_GB_MONTH +
    Math.max(0, iops - 3000) * GP3_IOPS_MONTH +
    Math.max(0, throughput - 125) * GP3_MIBPS_MONTH
  );
}

export function estimateCost(resources: PlannedResource[]): CostEstimate {
  const unpriced = new Set<string>();
  const instanceMonthly = (type: unknown, count: number): number => {
    const hourly = INSTANCE_HOURLY[String(type)];
    if (hourly === undefined) {
      unpriced.add(String(type));
      return 0;
    }
    return hourly * HOURS_PER_MONTH * count;
  };
  // Auto Scaling groups and node groups name their launch template by id; mocks make ids `${name}-id`.
  const launchTemplates = new Map(
    resources
      .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")
      .map((r) => [`${r.name}-id`, r.inputs]),
  );
  const templateOf = (ref: unknown): Inputs | undefined =>
    launchTemplates.get(String((ref as Inputs | undefined)?.id));

  const lines: CostLine[] = [];
  for (const r of resources) {
    const i = r.inputs;
    let monthly = FLAT_MONTHLY[r.type] ?? 0;
    switch (r.type) {
      case "aws:ec2/instance:Instance":
        monthly =
          instanceMonthly(i.instanceType, 1) +
          gp3(Number((i.rootBlockDevice as Inputs | undefined)?.volumeSize ?? 8));
        break;
      case "aws:autoscaling/group:Group": {
        const count = Number(i.desiredCapacity ?? i.minSize ?? 0);
        monthly = count === 0 ? 0 : instanceMonthly(templateOf(i.launchTemplate)?.instanceType, count);
        break;
      }
      case "aws:eks/nodeGroup:NodeGroup": {
        const types = (i.instanceTypes as string[] | undefined) ?? [
          templateOf(i.launchTemplate)?.instanceType,
        ];
        monthly = instanceMonthly(
          types[0],
          Number((i.scalingConfig as Inputs | undefined)?.desiredSize ?? 0),
        );
        break;
      }
      case "aws:ebs/volume:Volume":
        monthly = gp3(Number(i.size ?? 0), Number(i.iops ?? 3000), Number(i.throughput ?? 125));
        break;
      case "aws:ec2/vpcEndpoint:VpcEndpoint":
        if (i.vpcEndpointType === "Interface") {
          monthly =
            INTERFACE_ENDPOINT_AZ_HOURLY *
            HOURS_PER_MONTH *
            ((i.subnetIds as unknown[] | undefined)?.length ?? 1);
        }
        break;
    }
    if (monthly > 0) lines.push({ type: r.type, name: r.name, monthlyUsd: Math.round(monthly * 100) / 100 });
  }
  const total = lines.reduce((sum, l) => sum + l.monthlyUsd, 0);
  return { monthlyUsd: Math.round(total * 100) / 100, lines, unpriced: [...unpriced].sort() };
}

/** Totals per resource type, largest first, for the plan's summary. */
export function costByType(estimate: CostEstimate): [string, number][] {
  const byType = new Map<string, number>();
  for (const l of estimate.lines) byType.set(l.type, (byType.get(l.type) ?? 0) + l.monthlyUsd);
  return [...byType.entries()]
    .map(([t, v]): [string, number] => [t, Math.round(v * 100) / 100])
    .sort((a, b) => b[1] - a[1]);
}
