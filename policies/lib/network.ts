/**
 * Security-group ingress in one shape, whichever of the three ways it was declared: inline on
 * the group, `aws:ec2/securityGroupRule`, or `aws:vpc/securityGroupIngressRule`.
 */
import { records, strings, text, type Props } from "./values";

export const SECURITY_GROUP = "aws:ec2/securityGroup:SecurityGroup";
export const SECURITY_GROUP_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";
export const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

export interface Ingress {
  protocol: string;
  fromPort: number;
  toPort: number;
  cidrs: string[];
}

function ingressFrom(rule: Props, protocolKey: string, cidrs: string[]): Ingress {
  return {
    protocol: String(rule[protocolKey] ?? "-1").toLowerCase(),
    fromPort: Number(rule.fromPort ?? 0),
    toPort: Number(rule.toPort ?? rule.fromPort ?? 0),
    cidrs,
  };
}

/** The ingress a resource declares; empty for anything that is not a security group or rule. */
export function ingressOf(type: string, props: Props): Ingress[] {
  switch (type) {
    case SECURITY_GROUP:
      return records(props.ingress).map((r) =>
        ingressFrom(r, "protocol", [...strings(r.cidrBlocks), ...strings(r.ipv6CidrBlocks)]),
      );
    case SECURITY_GROUP_RULE:
      return props.type === "ingress"
        ? [ingressFrom(props, "protocol", [...strings(props.cidrBlocks), ...strings(props.ipv6CidrBlocks)])]
        : [];
    case INGRESS_RULE:
      return [
        ingressFrom(
          props,
          "ipProtocol",
          [text(props.cidrIpv4), text(props.cidrIpv6)].flatMap((c) => c ?? []),
        ),
      ];
    default:
      return [];
  }
}

/** Protocol -1 ("all") opens every port whatever the port fields say. */
export function opensPort(ingress: Ingress, port: number): boolean {
  if (ingress.protocol === "-1" || ingress.protocol === "all") return true;
  const tcpOrUdp = ["tcp", "udp", "6", "17"].includes(ingress.protocol);
  return tcpOrUdp && ingress.fromPort <= port && port <= ingress.toPort;
}

/** Every port the rule opens lies in `ports`. */
export function onlyPorts(ingress: Ingress, ports: readonly number[]): boolean {
  if (!["tcp", "6"].includes(ingress.protocol)) return false;
  for (let p = ingress.fromPort; p <= ingress.toPort; p++) if (!ports.includes(p)) return false;
  return true;
}

export function portsLabel(ingress: Ingress): string {
  if (ingress.protocol === "-1" || ingress.protocol === "all") return "all traffic";
  const range =
    ingress.fromPort === ingress.toPort ? `${ingress.fromPort}` : `${ingress.fromPort}-${ingress.toPort}`;
  return `${ingress.protocol}/${range}`;
}

export const WORLD = ["0.0.0.0/0", "::/0"];

/** Ranges that never route on the internet: RFC 1918, CGNAT, loopback, link-local, IPv6 ULA. */
const PRIVATE_V4: [number, number][] = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
  [0x64400000, 10],
  [0x7f000000, 8],
  [0xa9fe0000, 16],
];

function v4ToInt(address: string): number | undefined {
  const parts = address.split(".").map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/** True when the CIDR reaches addresses outside the private ranges (unparseable counts as public). */
export function isPublicCidr(cidr: string): boolean {
  const [address, prefixText] = cidr.split("/");
  const prefix = Number(prefixText ?? (address.includes(":") ? 128 : 32));
  if (address.includes(":")) {
    // "::/0" has an empty first group: NaN, whose bits are all 0, which is what "0" would give.
    const first = parseInt(address.split(":")[0], 16);
    const ula = (first & 0xfe00) === 0xfc00 && prefix >= 7;
    const linkLocal = (first & 0xffc0) === 0xfe80 && prefix >= 10;
    return !(ula || linkLocal || cidr === "::1/128");
  }
  const value = v4ToInt(address);
  if (value === undefined) return true;
  return !PRIVATE_V4.some(([base, bits]) => {
    const mask = (~0 << (32 - bits)) >>> 0;
    return prefix >= bits && (value & mask) >>> 0 === base;
  });
}
