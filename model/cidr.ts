/**
 * IPv4 CIDR arithmetic, shared by stack configuration (VPC and allowed ranges), the subnet plan
 * and the agent (--member-cidrs). Pure functions.
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

export function size(c: Cidr): number {
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
