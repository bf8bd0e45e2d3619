/**
 * Which members exist, where they run and how each starts. Pure. Members are named by index
 * (etcd-0, etcd-1, ...) and placed round-robin over the first PLACEMENT_AZS AZs by letter, so
 * growing from 3 to 5 members or adding a fourth AZ never renames or moves an existing member
 * (moving one replaces its interface and data volume). Three AZs already survive one AZ's loss
 * with a 3- or 5-member quorum.
 */
import type { PeerSpec } from "./render/config";
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT } from "../../model/ports";

export interface MemberPlan {
  index: number;
  name: string;
  availabilityZone: string;
  /** Fully qualified name in the cluster's private zone. */
  fqdn: string;
  clusterState: "new" | "existing";
  /** Names of the members in this member's initial cluster, itself included. */
  initialCluster: string[];
}

/** AZs etcd spreads over; more would only move members whenever an AZ is added. */
export const PLACEMENT_AZS = 3;

export function memberName(index: number): string {
  return `etcd-${index}`;
}

export function etcdZoneName(stack: string): string {
  return `etcd.${stack}.switchyard.internal`;
}

export function planMembers(
  count: number,
  initialMembers: number,
  availabilityZones: readonly string[],
  zone: string,
): MemberPlan[] {
  if (availabilityZones.length === 0) throw new Error("etcd needs at least one availability zone");
  if (initialMembers > count) throw new Error(`initialMembers ${initialMembers} exceeds members ${count}`);
  const zones = [...availabilityZones].sort().slice(0, PLACEMENT_AZS);
  return Array.from({ length: count }, (_, index) => {
    const founder = index < initialMembers;
    // A founding member starts with the founders; a later member k is added after 0..k-1 are
    // running, so its initial cluster is exactly the members before it plus itself.
    const known = founder ? initialMembers : index + 1;
    return {
      index,
      name: memberName(index),
      availabilityZone: zones[index % zones.length],
      fqdn: `${memberName(index)}.${zone}`,
      clusterState: founder ? "new" : "existing",
      initialCluster: Array.from({ length: known }, (_, i) => memberName(i)),
    };
  });
}

export function peerSpec(member: Pick<MemberPlan, "name" | "fqdn">): PeerSpec {
  return { name: member.name, host: member.fqdn, peerPort: ETCD_PEER_PORT, clientPort: ETCD_CLIENT_PORT };
}

export function clientEndpoints(members: readonly MemberPlan[]): string[] {
  return members.map((m) => `https://${m.fqdn}:${ETCD_CLIENT_PORT}`);
}
