/** Rules that span areas, run once every area has parsed on its own. */
import { overlaps, parseCidr } from "../../model/cidr";
import { GRAYLOG_ROUTE_APP } from "../logging/graylog/layout";
import { GRAFANA_ROUTE_APP } from "../monitoring/layout";
import { azSlot } from "../network/subnets";
import { topicReplication } from "./areas/logging";
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
  const azs = cfg.availabilityZones;
  if (cfg.network.availabilityZones) {
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
  }
  const vpc = parseCidr(cfg.network.cidr);
  if (vpc && (vpc.prefix < 16 || vpc.prefix > 18)) {
    problems.push({
      path: "switchyard:network.cidr",
      message: `expected a /16 to /18 VPC range, got /${vpc.prefix}`,
    });
  }
  const serviceCidr = parseCidr(cfg.kubernetes.serviceCidr);
  if (vpc && serviceCidr && overlaps(vpc, serviceCidr)) {
    problems.push({
      path: "switchyard:kubernetes.serviceCidr",
      message: `${cfg.kubernetes.serviceCidr} overlaps the VPC range ${cfg.network.cidr}`,
    });
  }
  if (cfg.etcd.members > 0 && cfg.network.azCount < 3 && cfg.environment === "production") {
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
  const replication = topicReplication(cfg.logging.kafka);
  if (cfg.logging.enabled && cfg.environment === "production") {
    // One broker down (a zone, a rolling restart) must neither lose a log line nor stop writers.
    if (replication.replicationFactor < 3)
      problems.push({
        path: "switchyard:logging.kafka.replicationFactor",
        message: `production needs 3 or more copies of each log partition, got ${replication.replicationFactor}`,
      });
    if (replication.minInsyncReplicas < 2)
      problems.push({
        path: "switchyard:logging.kafka.minInsyncReplicas",
        message: `production needs writes acknowledged by 2 or more replicas, got ${replication.minInsyncReplicas}`,
      });
  }
  // Graylog's own state (users, inputs, streams, index sets) lives in MongoDB.
  if (cfg.logging.enabled && !cfg.databases.mongodb.enabled) {
    problems.push({
      path: "switchyard:logging.graylog",
      message:
        "Graylog needs MongoDB: enable databases.mongodb (its replica set gets a graylog database and user) or set logging.enabled to false",
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
  // Platform services routed through the HAProxy tier share its host and app name spaces.
  for (const p of platformRoutes(cfg)) {
    const owner = hostOwners.get(p.host);
    if (owner) problems.push({ path: p.path, message: `host ${p.host} is already served by app ${owner}` });
    else hostOwners.set(p.host, p.app);
    if (p.app in cfg.apps)
      problems.push({
        path: `switchyard:apps.${p.app}`,
        message: `the name ${p.app} is the route of the platform service at ${p.path}; choose another app name`,
      });
  }
  return problems;
}

/**
 * The platform services this config routes through the HAProxy tier: their route app (the name
 * components give the PlatformRoute) and host, with the key that sets the host.
 */
export function platformRoutes(cfg: SwitchyardConfig): { app: string; host: string; path: string }[] {
  const grafana = cfg.monitoring.enabled ? cfg.monitoring.grafana.host : undefined;
  const graylog = cfg.logging.enabled ? cfg.logging.graylog.host : undefined;
  return [
    ...(grafana
      ? [{ app: GRAFANA_ROUTE_APP, host: grafana, path: "switchyard:monitoring.grafana.host" }]
      : []),
    ...(graylog ? [{ app: GRAYLOG_ROUTE_APP, host: graylog, path: "switchyard:logging.graylog.host" }] : []),
  ];
}
