/**
 * The monthly cost of a plan from the dated price table of the stack's region
 * (scripts/lib/prices/<region>.json), per component and per line: instance hours, EBS GB,
 * provisioned IOPS and throughput above the gp3 baseline, NAT gateway hours, load balancer hours,
 * the EKS control plane, interface endpoints, public IPv4 addresses, hosted zones, keys and
 * secrets, and the EBS volumes pods claim (StatefulSet claim templates, PersistentVolumeClaims). What it cannot price is listed as unpriced, never counted as zero; usage-based charges
 * are named as excluded. List prices, on-demand: for comparing stacks and changes, not for billing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { PlannedResource } from "./evaluate";
import { GIB, memoryBytes } from "../../model/quantity";

export interface PriceTable {
  region: string;
  currency: string;
  date: string;
  source: string;
  hoursPerMonth: number;
  instanceHourly: Record<string, number>;
  ebs: {
    gp3GbMonth: number;
    gp3IopsMonthAboveBaseline: number;
    gp3MibpsMonthAboveBaseline: number;
    gp3BaselineIops: number;
    gp3BaselineMibps: number;
  };
  hourly: {
    eksControlPlane: number;
    natGateway: number;
    publicIpv4: number;
    networkLoadBalancer: number;
    interfaceEndpointPerAz: number;
  };
  monthly: { kmsKey: number; secretsManagerSecret: number; hostedZone: number };
  excluded: string[];
}

const PRICES_DIR = join(__dirname, "prices");

/** The region's table, or undefined when the project has none (then everything is unpriced). */
export function priceTable(region: string): PriceTable | undefined {
  const file = join(PRICES_DIR, `${region}.json`);
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PriceTable) : undefined;
}

export type LineKind =
  | "instance hours"
  | "EBS GB"
  | "provisioned IOPS"
  | "provisioned throughput"
  | "NAT gateway hours"
  | "load balancer hours"
  | "EKS control plane"
  | "interface endpoints"
  | "public IPv4"
  | "hosted zones"
  | "KMS keys"
  | "secrets";

export interface CostLine {
  component: string;
  urn: string;
  name: string;
  type: string;
  line: LineKind;
  /** How many units, e.g. instance-months or GB; the monthly figure is quantity × unitUsd. */
  quantity: number;
  unitUsd: number;
  monthlyUsd: number;
}

export interface Unpriced {
  component: string;
  urn: string;
  name: string;
  type: string;
  reason: string;
}

export interface CostEstimate {
  region: string;
  priceDate?: string;
  priceSource?: string;
  monthlyUsd: number;
  lines: CostLine[];
  byComponent: Record<string, number>;
  byLine: Record<string, number>;
  unpriced: Unpriced[];
  excluded: string[];
}

type Inputs = Record<string, unknown>;

const round = (usd: number) => Math.round(usd * 100) / 100;

/**
 * The component a resource belongs to: the area of its outermost `switchyard:<area>:…` ancestor
 * (network, edge, etcd, kubernetes, apps, databases, logging, monitoring, …); `stack` otherwise.
 */
export function componentOf(resource: PlannedResource, byUrn: Map<string, PlannedResource>): string {
  let area = "stack";
  for (let r: PlannedResource | undefined = resource; r; r = r.parent ? byUrn.get(r.parent) : undefined) {
    const m = /^switchyard:([^:]+):/.exec(r.type);
    if (m) area = m[1];
  }
  return area;
}

export function estimateCost(resources: PlannedResource[], region: string): CostEstimate {
  const table = priceTable(region);
  const byUrn = new Map(resources.map((r) => [r.urn, r]));
  // Auto Scaling groups and node groups name their launch template by id; mocks make ids `${name}-id`.
  const launchTemplates = new Map(
    resources
      .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")
      .map((r) => [`${r.name}-id`, r.inputs]),
  );
  const templateOf = (ref: unknown): Inputs | undefined =>
    launchTemplates.get(String((ref as Inputs | undefined)?.id));

  // EBS-backed storage classes by name, for the persistent volumes pods claim.
  const ebsClasses = new Map(
    resources
      .filter(
        (r) =>
          r.type === "kubernetes:storage.k8s.io/v1:StorageClass" &&
          r.inputs.provisioner === "ebs.csi.aws.com",
      )
      .map((r) => [
        String((r.inputs.metadata as Inputs | undefined)?.name ?? r.name),
        String((r.inputs.parameters as Inputs | undefined)?.type ?? "gp3"),
      ]),
  );
  const defaultClass = resources.find(
    (r) =>
      r.type === "kubernetes:storage.k8s.io/v1:StorageClass" &&
      ((r.inputs.metadata as Inputs | undefined)?.annotations as Inputs | undefined)?.[
        "storageclass.kubernetes.io/is-default-class"
      ] === "true",
  );
  const defaultClassName = String((defaultClass?.inputs.metadata as Inputs | undefined)?.name ?? "");

  const lines: CostLine[] = [];
  const unpriced: Unpriced[] = [];
  for (const r of resources) {
    if (!r.custom) continue;
    const component = componentOf(r, byUrn);
    const who = { component, urn: r.urn, name: r.name, type: r.type };
    const add = (line: LineKind, quantity: number, unitUsd: number) => {
      if (quantity > 0)
        lines.push({ ...who, line, quantity, unitUsd, monthlyUsd: round(quantity * unitUsd) });
    };
    const lines0 = lines.length;
    const unpricedBefore = unpriced.length;
    const skip = (reason: string) => unpriced.push({ ...who, reason });
    if (!table) {
      if (PRICED_TYPES.has(r.type)) skip(`no price table for region ${region} in scripts/lib/prices`);
      continue;
    }
    const hours = table.hoursPerMonth;
    const instances = (type: unknown, count: number) => {
      if (count <= 0) return;
      const hourly = table.instanceHourly[String(type)];
      if (hourly === undefined) skip(`no price for instance type ${String(type)} in the ${region} table`);
      else add("instance hours", count * hours, hourly);
    };
    const gp3 = (sizeGiB: number, count: number, iops?: number, mibps?: number) => {
      const e = table.ebs;
      add("EBS GB", sizeGiB * count, e.gp3GbMonth);
      add(
        "provisioned IOPS",
        Math.max(0, (iops ?? e.gp3BaselineIops) - e.gp3BaselineIops) * count,
        e.gp3IopsMonthAboveBaseline,
      );
      add(
        "provisioned throughput",
        Math.max(0, (mibps ?? e.gp3BaselineMibps) - e.gp3BaselineMibps) * count,
        e.gp3MibpsMonthAboveBaseline,
      );
    };
    const volume = (type: unknown, sizeGiB: number, count: number, iops?: number, mibps?: number) => {
      if (type === undefined || type === "gp3") gp3(sizeGiB, count, iops, mibps);
      else skip(`EBS volume type ${String(type)} has no price in the table (gp3 only)`);
    };
    const rootVolumes = (template: Inputs | undefined, count: number, fallbackGiB: number) => {
      const mappings = (template?.blockDeviceMappings as Inputs[] | undefined) ?? [];
      if (mappings.length === 0) return volume("gp3", fallbackGiB, count);
      for (const m of mappings) {
        const ebs = m.ebs as Inputs | undefined;
        if (ebs)
          volume(
            ebs.volumeType,
            Number(ebs.volumeSize ?? fallbackGiB),
            count,
            num(ebs.iops),
            num(ebs.throughput),
          );
      }
    };
    /** A claim's storage: EBS GB when its class provisions EBS volumes, else unpriced. */
    const claims = (specs: Inputs[], count: number) => {
      for (const spec of specs) {
        const className = String(spec.storageClassName ?? defaultClassName);
        const storage = ((spec.resources as Inputs | undefined)?.requests as Inputs | undefined)?.storage;
        const gib = gibOf(storage);
        const type = ebsClasses.get(className);
        if (type === undefined || gib === undefined)
          skip(
            `persistent volume of class ${JSON.stringify(className)} (${String(storage)}) is not an EBS class in this plan`,
          );
        else volume(type, gib, count);
      }
    };
    const i = r.inputs;
    switch (r.type) {
      case "kubernetes:apps/v1:StatefulSet": {
        const spec = i.spec as Inputs | undefined;
        const templates = (spec?.volumeClaimTemplates as Inputs[] | undefined) ?? [];
        claims(
          templates.map((t) => (t.spec as Inputs | undefined) ?? {}),
          Number(spec?.replicas ?? 1),
        );
        break;
      }
      case "kubernetes:core/v1:PersistentVolumeClaim":
        claims([(i.spec as Inputs | undefined) ?? {}], 1);
        break;
      case "aws:ec2/instance:Instance": {
        instances(i.instanceType, 1);
        const root = i.rootBlockDevice as Inputs | undefined;
        // An AMI's default root volume is 8 GiB when the program does not size it.
        volume(root?.volumeType, Number(root?.volumeSize ?? 8), 1, num(root?.iops), num(root?.throughput));
        if (i.associatePublicIpAddress === true) add("public IPv4", hours, table.hourly.publicIpv4);
        break;
      }
      case "aws:autoscaling/group:Group": {
        const count = Number(i.desiredCapacity ?? i.minSize ?? 0);
        const template = templateOf(i.launchTemplate);
        instances(template?.instanceType, count);
        if (count > 0) rootVolumes(template, count, 8);
        break;
      }
      case "aws:eks/nodeGroup:NodeGroup": {
        const count = Number((i.scalingConfig as Inputs | undefined)?.desiredSize ?? 0);
        const template = templateOf(i.launchTemplate);
        const types = (i.instanceTypes as string[] | undefined) ?? [template?.instanceType as string];
        if (i.capacityType === "SPOT") {
          if (count > 0) skip(`spot capacity (${types.join(", ")}): spot prices move, not in the table`);
        } else {
          // EKS launches the first listed type unless it lacks capacity.
          instances(types[0], count);
        }
        // Root volumes are paid on spot as on demand.
        if (count > 0) rootVolumes(template, count, Number(i.diskSize ?? 20));
        break;
      }
      case "aws:ebs/volume:Volume":
        volume(i.type, Number(i.size ?? 0), 1, num(i.iops), num(i.throughput));
        break;
      case "aws:ec2/natGateway:NatGateway":
        add("NAT gateway hours", hours, table.hourly.natGateway);
        break;
      case "aws:ec2/eip:Eip":
        add("public IPv4", hours, table.hourly.publicIpv4);
        break;
      case "aws:lb/loadBalancer:LoadBalancer": {
        if (i.loadBalancerType !== "network") {
          skip(`load balancer type ${String(i.loadBalancerType ?? "application")} has no price in the table`);
          break;
        }
        add("load balancer hours", hours, table.hourly.networkLoadBalancer);
        // An internet-facing NLB holds one public IPv4 address per subnet (AZ) it is placed in.
        if (i.internal !== true) add("public IPv4", hours * list(i.subnets).length, table.hourly.publicIpv4);
        break;
      }
      case "aws:eks/cluster:Cluster":
        add("EKS control plane", hours, table.hourly.eksControlPlane);
        break;
      case "aws:ec2/vpcEndpoint:VpcEndpoint":
        if (i.vpcEndpointType === "Interface")
          add(
            "interface endpoints",
            hours * Math.max(1, list(i.subnetIds).length),
            table.hourly.interfaceEndpointPerAz,
          );
        break;
      case "aws:route53/zone:Zone":
        add("hosted zones", 1, table.monthly.hostedZone);
        break;
      case "aws:kms/key:Key":
        add("KMS keys", 1, table.monthly.kmsKey);
        break;
      case "aws:secretsmanager/secret:Secret":
        add("secrets", 1, table.monthly.secretsManagerSecret);
        break;
    }
    // A resource type known to cost money that produced neither a line nor a reason is a gap.
    if (lines.length === lines0 && unpriced.length === unpricedBefore && UNMODELLED.has(r.type))
      skip(`${r.type} is not modelled by scripts/lib/cost.ts`);
  }
  return summarizeCost(region, table, lines, unpriced);
}

/** Types that cost money by the hour or month and that this estimate does not model yet. */
const UNMODELLED = new Set([
  "aws:rds/instance:Instance",
  "aws:elasticache/cluster:Cluster",
  "aws:ec2/transitGateway:TransitGateway",
  "aws:msk/cluster:Cluster",
  "aws:opensearch/domain:Domain",
]);

const PRICED_TYPES = new Set([
  "aws:ec2/instance:Instance",
  "aws:autoscaling/group:Group",
  "aws:eks/nodeGroup:NodeGroup",
  "aws:ebs/volume:Volume",
  "aws:ec2/natGateway:NatGateway",
  "aws:ec2/eip:Eip",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:eks/cluster:Cluster",
  "aws:ec2/vpcEndpoint:VpcEndpoint",
  "aws:route53/zone:Zone",
  "aws:kms/key:Key",
  "aws:secretsmanager/secret:Secret",
  "kubernetes:apps/v1:StatefulSet",
  "kubernetes:core/v1:PersistentVolumeClaim",
]);

/** Kubernetes quantities in whole GiB, rounded up (`100Gi`, `1Ti`, `500G`); undefined when not one. */
function gibOf(q: unknown): number | undefined {
  try {
    return Math.ceil(memoryBytes(String(q)) / GIB);
  } catch {
    return undefined;
  }
}

function num(v: unknown): number | undefined {
  return v === undefined || v === null ? undefined : Number(v);
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function summarizeCost(
  region: string,
  table: PriceTable | undefined,
  lines: CostLine[],
  unpriced: Unpriced[],
): CostEstimate {
  const sum = (key: (l: CostLine) => string) => {
    const totals: Record<string, number> = {};
    for (const l of lines) totals[key(l)] = (totals[key(l)] ?? 0) + l.monthlyUsd;
    return Object.fromEntries(
      Object.entries(totals)
        .map(([k, v]): [string, number] => [k, round(v)])
        .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])),
    );
  };
  return {
    region,
    priceDate: table?.date,
    priceSource: table?.source,
    monthlyUsd: round(lines.reduce((s, l) => s + l.monthlyUsd, 0)),
    lines,
    byComponent: sum((l) => l.component),
    byLine: sum((l) => l.line),
    unpriced,
    excluded: table?.excluded ?? [],
  };
}

export interface CostDelta {
  monthlyUsd: number;
  byComponent: Record<string, number>;
}

/** New minus base, per component (components absent on one side count as zero there). */
export function costDelta(base: CostEstimate, next: CostEstimate): CostDelta {
  const names = new Set([...Object.keys(base.byComponent), ...Object.keys(next.byComponent)]);
  const byComponent: Record<string, number> = {};
  for (const n of [...names].sort()) {
    const d = round((next.byComponent[n] ?? 0) - (base.byComponent[n] ?? 0));
    if (d !== 0) byComponent[n] = d;
  }
  return { monthlyUsd: round(next.monthlyUsd - base.monthlyUsd), byComponent };
}
