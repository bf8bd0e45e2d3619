/** Rules that span areas, run once every area has parsed on its own. */
import { overlaps, parseCidr } from "../../model/cidr";
import { azSlot } from "../network/subnets";
import type { SwitchyardConfig } from "./schema";

export interface ConfigProblem {
  /** Full key path, e.g. `switchyard:etcd.members`. */
  path: string;
  message: string;
}

export function resolveAvailabilityZones(region: string, azCount: number, explicit?: string[]): string[] {
  return explicit ?? Array.from({ length: azCount }, (_, i) => `${region}${String.fromCharCode(97 + i)}`);
}

export function crossCheck(cfg: SwitchyardConfig): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  // Resolved AZs (explicit, or the first azCount letters of the region, which always pass) must
  // match azCount, be distinct and belong to the region.
  const azs = cfg.availabilityZones;
  if (azs.length !== cfg.network.azCount) {
    problems.push({
      path: "switchyard:network.availabilityZones",
      message: `expected ${cfg.network.azCount} names (network.azCount), got ${azs.length}`,
    });
  }
  if (new Set(azs).size !== azs.length)
    problems.push({ path: "switchyard:network.availabilityZones", message: "expected distinct AZ names" });
  azs.forEach((az, i) => {
    // The region and one zone letter: a prefix test would take eu-west-10a for eu-west-1.
    if (az.slice(0, -1) !== cfg.region)
      problems.push({
        path: `switchyard:network.availabilityZones.${i}`,
        message: `expected an AZ of region ${cfg.region}, got ${JSON.stringify(az)}`,
      });
    try {
      azSlot(az);
    } catch (e) {
      problems.push({ path: `switchyard:network.availabilityZones.${i}`, message: (e as Error).message });
    }
  });
  // Both ranges passed their field schemas, so they parse.
  const vpc = parseCidr(cfg.network.cidr)!;
  if (vpc.prefix < 16 || vpc.prefix > 18) {
    problems.push({
      path: "switchyard:network.cidr",
      message: `expected a /16 to /18 VPC range, got /${vpc.prefix}`,
    });
  }
  if (overlaps(vpc, parseCidr(cfg.kubernetes.serviceCidr)!)) {
    problems.push({
      path: "switchyard:kubernetes.serviceCidr",
      message: `${cfg.kubernetes.serviceCidr} overlaps the VPC range ${cfg.network.cidr}`,
    });
  }
  if (cfg.network.azCount < 3 && cfg.environment === "production") {
    problems.push({
      path: "switchyard:network.azCount",
      message: "production needs at least 3 AZs so that etcd keeps quorum when one AZ fails",
    });
  }
  const contactPoints = cfg.monitoring.alerts.contactPoints;
  if (
    cfg.monitoring.enabled &&
    cfg.environment === "production" &&
    !contactPoints.email &&
    !contactPoints.slack &&
    !contactPoints.sns
  ) {
    problems.push({
      path: "switchyard:monitoring.alerts.contactPoints",
      message: "production needs at least one contact point (email, slack or sns) so alerts reach someone",
    });
  }
  if (Object.keys(cfg.apps).length > 0 && cfg.etcd.deployRunnerCidrs.length === 0) {
    problems.push({
      path: "switchyard:etcd.deployRunnerCidrs",
      message:
        "expected at least one range: the apps' Routes write to etcd from where `pulumi up` runs, and etcd's client port is closed to everything else",
    });
  }
  const hostOwners = new Map<string, string>();
  for (const [name, app] of Object.entries(cfg.apps)) {
    for (const host of [app.host, app.previewHost ?? `preview.${app.host}`, ...app.aliases]) {
      const owner = hostOwners.get(host);
      if (owner)
        problems.push({
          path: `switchyard:apps.${name}`,
          message: `host ${host} is already served by app ${owner}`,
        });
      else hostOwners.set(host, name);
    }
  }
  return problems;
}
