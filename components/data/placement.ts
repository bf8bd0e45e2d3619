/**
 * Which database members exist and where they run. Pure. Members are named by index (mysql-0,
 * mysql-1, ...; mongodb-0, ...) and placed round-robin over the AZs sorted by name, so adding a
 * replica or an AZ never renames or moves an existing member (moving one would replace its
 * interface, its name's address and its data volume).
 */
export interface DataMemberPlan {
  index: number;
  name: string;
  availabilityZone: string;
  /** Fully qualified name in the engine's private zone: the member's identity for clients and peers. */
  fqdn: string;
}

/** AZs the members spread over; more would only move members whenever an AZ is added. */
export const PLACEMENT_AZS = 3;

export function dataZoneName(engine: "mysql" | "mongodb", stack: string): string {
  return `${engine}.${stack}.switchyard.internal`;
}

export function planDataMembers(
  prefix: "mysql" | "mongodb",
  count: number,
  availabilityZones: readonly string[],
  zone: string,
): DataMemberPlan[] {
  if (availabilityZones.length === 0) throw new Error(`${prefix} needs at least one availability zone`);
  const zones = [...availabilityZones].sort().slice(0, PLACEMENT_AZS);
  return Array.from({ length: count }, (_, index) => ({
    index,
    name: `${prefix}-${index}`,
    availabilityZone: zones[index % zones.length],
    fqdn: `${prefix}-${index}.${zone}`,
  }));
}
