/**
 * Resource names for per-AZ resources are keyed by the AZ's name, never by list position, so
 * adding or removing an AZ leaves every other AZ's resources untouched.
 */
export function azResourceName(component: string, kind: string, availabilityZone: string): string {
  return `${component}-${kind}-${availabilityZone}`;
}

/** The AZ that hosts the one NAT gateway in `single` mode: the lowest letter, stable as AZs are added. */
export function singleNatZone(availabilityZones: readonly string[]): string {
  return [...availabilityZones].sort()[0];
}

/** Which AZ's NAT gateway a private or data subnet in `az` routes through, per NAT mode. */
export function natZoneFor(
  mode: "perAz" | "single" | "none",
  az: string,
  availabilityZones: readonly string[],
): string | undefined {
  if (mode === "none") return undefined;
  return mode === "perAz" ? az : singleNatZone(availabilityZones);
}
