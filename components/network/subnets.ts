/**
 * The subnet plan. Pure functions, no Pulumi.
 *
 * The plan is positional, not sequential: every tier owns a fixed region of the VPC sized for
 * MAX_AZ_SLOTS subnets, and every AZ owns a fixed slot (its letter) inside each region. Adding an
 * AZ or appending a tier therefore never moves an existing subnet, which is what makes subnets
 * (and everything placed in them) survive growth without replacement.
 */
import { formatCidr, parseCidr, size, subdivide, type Cidr } from "../../model/cidr";

/** Subnets per tier per AZ slot. AZ letters a..h map to slots 0..7. */
export const MAX_AZ_SLOTS = 8;

/**
 * Tiers in allocation order. Append-only: a new tier goes at the end so the regions of the
 * existing tiers keep their place. `newBits` is the size of one subnet relative to the VPC.
 */
export const TIERS = [
  { name: "private", newBits: 4 }, // /20 in a /16: EKS pods take VPC addresses (vpc-cni)
  { name: "public", newBits: 7 }, // /23: NAT gateways and the ELB only
  { name: "data", newBits: 8 }, // /24: database and etcd hosts
] as const;

export type TierName = (typeof TIERS)[number]["name"];

export interface PlannedSubnet {
  tier: TierName;
  availabilityZone: string;
  cidr: string;
}

/** Maps an AZ name to its fixed slot: its trailing letter (us-east-1c -> 2). */
export function azSlot(availabilityZone: string): number {
  const m = /^[a-z]{2}(-[a-z]+)+-\d+([a-h])$/.exec(availabilityZone);
  if (!m) throw new Error(`availability zone ${JSON.stringify(availabilityZone)} must end in a letter a-h`);
  return m[2].charCodeAt(0) - "a".charCodeAt(0);
}

/**
 * The region every tier occupies: tier regions are laid out largest first in TIERS order, each
 * aligned to its own size, so the layout depends only on the VPC prefix and the tier list.
 */
function tierRegions(vpc: Cidr): Map<TierName, Cidr> {
  const regions = new Map<TierName, Cidr>();
  let offset = 0; // addresses from the VPC base
  for (const tier of TIERS) {
    const regionPrefix = vpc.prefix + tier.newBits - Math.log2(MAX_AZ_SLOTS);
    const regionSize = 2 ** (32 - regionPrefix);
    offset = Math.ceil(offset / regionSize) * regionSize;
    if (offset + regionSize > size(vpc)) {
      throw new Error(`VPC ${formatCidr(vpc)} is too small for the ${tier.name} tier; use a /16 to /18`);
    }
    regions.set(tier.name, { base: (vpc.base + offset) >>> 0, prefix: regionPrefix });
    offset += regionSize;
  }
  return regions;
}

export function planSubnets(vpcCidr: string, availabilityZones: readonly string[]): PlannedSubnet[] {
  const vpc = parseCidr(vpcCidr);
  if (!vpc) throw new Error(`invalid VPC CIDR ${JSON.stringify(vpcCidr)}`);
  const regions = tierRegions(vpc);
  return TIERS.flatMap((tier) =>
    availabilityZones.map((az) => ({
      tier: tier.name,
      availabilityZone: az,
      cidr: formatCidr(subdivide(regions.get(tier.name)!, Math.log2(MAX_AZ_SLOTS), azSlot(az))),
    })),
  );
}
