/**
 * IPv4 CIDR arithmetic and the subnet plan. Pure functions, no Pulumi.
 *
 * The plan is positional, not sequential: every tier owns a fixed region of the VPC sized for
 * MAX_AZ_SLOTS subnets, and every AZ owns a fixed slot (its letter) inside each region. Adding an
 * AZ or appending a tier therefore never moves an existing subnet, which is what makes subnets
 * (and everything placed in them) survive growth without replacement.
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  base: number;
  prefix: number;
}

export function parseCidr(text: string): Cidr | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (!m) return undefined;
  const octets = m.slice(1, 5).map(Number);
  const prefix = Number(m[5]);
  if (octets.some((o) => o > 255) || prefix > 32) return undefined;
  const base = ((octets[0] << 24) | (octets[1] << 16) | (octets[2] << 8) | octets[3]) >>> 0;
  // A CIDR whose host bits are set (10.0.0.1/16) is a typo more often than intent.
  if ((base & hostMask(prefix)) !== 0) return undefined;
  return { base, prefix };
}

export function formatCidr(c: Cidr): string {
  const b = c.base;
  return `${b >>> 24}.${(b >>> 16) & 255}.${(b >>> 8) & 255}.${b & 255}/${c.prefix}`;
}

function hostMask(prefix: number): number {
  return prefix === 0 ? 0xffffffff : (2 ** (32 - prefix) - 1) >>> 0;
}

function size(c: Cidr): number {
  return 2 ** (32 - c.prefix);
}

export function contains(outer: Cidr, inner: Cidr): boolean {
  return (
    inner.prefix >= outer.prefix &&
    inner.base >= outer.base &&
    inner.base + size(inner) <= outer.base + size(outer)
  );
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  return a.base < b.base + size(b) && b.base < a.base + size(a);
}

const PRIVATE_RANGES = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map((r) => parseCidr(r)!);

export function isPrivateCidr(text: string): boolean {
  const c = parseCidr(text);
  return c !== undefined && PRIVATE_RANGES.some((r) => contains(r, c));
}

/** The n-th block of `newBits` more bits inside `parent` (like Terraform's cidrsubnet). */
export function subdivide(parent: Cidr, newBits: number, index: number): Cidr {
  const prefix = parent.prefix + newBits;
  if (prefix > 28) throw new Error(`subnet prefix /${prefix} is smaller than AWS allows (/28)`);
  if (index < 0 || index >= 2 ** newBits)
    throw new Error(`block ${index} does not fit in ${formatCidr(parent)}`);
  return { base: (parent.base + index * 2 ** (32 - prefix)) >>> 0, prefix };
}

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
