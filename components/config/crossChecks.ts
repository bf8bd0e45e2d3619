/**
 * Rules that span areas. Each names the parts of the config it reads and runs whenever those
 * parsed, so one run reports every problem: a typo in one area does not hide a cross-area one.
 */
import { contains, overlaps, parseCidr } from "../../model/cidr";
import { GRAYLOG_ROUTE_APP } from "../logging/graylog/layout";
import { GRAFANA_ROUTE_APP } from "../monitoring/layout";
import { azSlot } from "../network/subnets";
import { appHostNames } from "./areas/apps";
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

type Key = keyof SwitchyardConfig;

interface CrossRule {
  needs: readonly Key[];
  check(cfg: SwitchyardConfig): ConfigProblem[];
}

/** Declares a rule that sees only the keys it names (so `needs` cannot fall out of date). */
function rule<K extends Key>(
  needs: readonly K[],
  check: (cfg: Pick<SwitchyardConfig, K>) => ConfigProblem[],
) {
  return { needs, check } as CrossRule;
}

const rules: CrossRule[] = [
  rule(["network", "region", "availabilityZones"], (cfg) => {
    if (!cfg.network.availabilityZones) return [];
    const problems: ConfigProblem[] = [];
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
    return problems;
  }),
  rule(["network"], (cfg) => {
    const vpc = parseCidr(cfg.network.cidr);
    return vpc && (vpc.prefix < 16 || vpc.prefix > 18)
      ? [{ path: "switchyard:network.cidr", message: `expected a /16 to /18 VPC range, got /${vpc.prefix}` }]
      : [];
  }),
  rule(["network", "kubernetes"], (cfg) => {
    const vpc = parseCidr(cfg.network.cidr);
    const serviceCidr = parseCidr(cfg.kubernetes.serviceCidr);
    return vpc && serviceCidr && overlaps(vpc, serviceCidr)
      ? [
          {
            path: "switchyard:kubernetes.serviceCidr",
            message: `${cfg.kubernetes.serviceCidr} overlaps the VPC range ${cfg.network.cidr}`,
          },
        ]
      : [];
  }),
  rule(["etcd", "network", "environment"], (cfg) =>
    cfg.etcd.members > 0 && cfg.network.azCount < 3 && cfg.environment === "production"
      ? [
          {
            path: "switchyard:network.azCount",
            message: "production needs at least 3 AZs so that etcd keeps quorum when one AZ fails",
          },
        ]
      : [],
  ),
  rule(["monitoring", "environment"], (cfg) => {
    const contactPoints = cfg.monitoring.alerts.contactPoints;
    return cfg.monitoring.enabled &&
      cfg.environment === "production" &&
      !contactPoints.email &&
      !contactPoints.slack &&
      !contactPoints.sns
      ? [
          {
            path: "switchyard:monitoring.alerts.contactPoints",
            message:
              "production needs at least one contact point (email, slack or sns) so alerts reach someone",
          },
        ]
      : [];
  }),
  // One broker down (a zone, a rolling restart) must neither lose a log line nor stop writers.
  rule(["logging", "environment"], (cfg) => {
    if (!cfg.logging.enabled || cfg.environment !== "production") return [];
    const { replicationFactor, minInsyncReplicas } = topicReplication(cfg.logging.kafka);
    return [
      ...(replicationFactor < 3
        ? [
            {
              path: "switchyard:logging.kafka.replicationFactor",
              message: `production needs 3 or more copies of each log partition, got ${replicationFactor}`,
            },
          ]
        : []),
      ...(minInsyncReplicas < 2
        ? [
            {
              path: "switchyard:logging.kafka.minInsyncReplicas",
              message: `production needs writes acknowledged by 2 or more replicas, got ${minInsyncReplicas}`,
            },
          ]
        : []),
    ];
  }),
  // The runners' path: their ranges lie outside the VPC, and the keys that open etcd and the EKS
  // API to them cover every one (a range left out could resolve the names and still time out).
  rule(["network", "etcd", "kubernetes"], (cfg) => {
    const runners = cfg.network.deployRunners;
    if (!runners) return [];
    const problems: ConfigProblem[] = [];
    const vpc = parseCidr(cfg.network.cidr);
    runners.cidrs.forEach((text, i) => {
      const range = parseCidr(text);
      if (vpc && range && overlaps(vpc, range))
        problems.push({
          path: `switchyard:network.deployRunners.cidrs.${i}`,
          message: `${text} overlaps the VPC range ${cfg.network.cidr}: expected the runners' own VPC range`,
        });
      for (const [path, opened] of [
        ["switchyard:etcd.deployRunnerCidrs", cfg.etcd.deployRunnerCidrs],
        ["switchyard:kubernetes.apiAccessCidrs", cfg.kubernetes.apiAccessCidrs],
      ] as const) {
        const covered = opened.some((o) => {
          const outer = parseCidr(o);
          return outer !== undefined && range !== undefined && contains(outer, range);
        });
        if (range && !covered)
          problems.push({
            path,
            message: `expected a range covering the deploy runners' ${text} (network.deployRunners.cidrs)`,
          });
      }
    });
    return problems;
  }),
  // Graylog's own state (users, inputs, streams, index sets) lives in MongoDB.
  rule(["logging", "databases"], (cfg) =>
    cfg.logging.enabled && !cfg.databases.mongodb.enabled
      ? [
          {
            path: "switchyard:logging.graylog",
            message:
              "Graylog needs MongoDB: enable databases.mongodb (its replica set gets a graylog database and user) or set logging.enabled to false",
          },
        ]
      : [],
  ),
  // Platform services routed through the HAProxy tier share its host and app name spaces.
  rule(["apps", "monitoring", "logging"], (cfg) => {
    const problems: ConfigProblem[] = [];
    const hostOwners = new Map<string, string>();
    for (const [name, app] of Object.entries(cfg.apps))
      for (const host of appHostNames(app)) if (!hostOwners.has(host)) hostOwners.set(host, name);
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
  }),
  rule(["apps", "etcd"], (cfg) =>
    Object.keys(cfg.apps).length > 0 && cfg.etcd.deployRunnerCidrs.length === 0
      ? [
          {
            path: "switchyard:etcd.deployRunnerCidrs",
            message:
              "expected at least one range: the apps' Routes write to etcd from where `pulumi up` runs, and etcd's client port is closed to everything else",
          },
        ]
      : [],
  ),
  rule(["apps"], (cfg) => {
    const problems: ConfigProblem[] = [];
    const hostOwners = new Map<string, string>();
    for (const [name, app] of Object.entries(cfg.apps)) {
      for (const host of appHostNames(app)) {
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
  }),
  // A requested certificate must cover every host this stack serves, or browsers refuse them.
  rule(["edge", "apps"], (cfg) => {
    const spec = cfg.edge.tls?.certificate;
    if (!spec) return [];
    const names = [spec.domainName, ...spec.subjectAlternativeNames];
    const covered = (host: string) =>
      names.includes(host) || names.includes(`*.${host.split(".").slice(1).join(".")}`);
    return Object.entries(cfg.apps).flatMap(([name, app]) =>
      appHostNames(app)
        .filter((host) => !covered(host))
        .map((host) => ({
          path: `switchyard:apps.${name}`,
          message: `host ${host} is not covered by switchyard:edge.tls.certificate (${names.join(", ")}): add it, or *.${host.split(".").slice(1).join(".")}, to subjectAlternativeNames`,
        })),
    );
  }),
];

/** Runs every rule whose inputs parsed; `cfg` holds the keys that did. */
export function crossCheck(cfg: Partial<SwitchyardConfig>): ConfigProblem[] {
  return rules
    .filter((r) => r.needs.every((k) => cfg[k] !== undefined))
    .flatMap((r) => r.check(cfg as SwitchyardConfig));
}

/** The platform services this stack routes through the HAProxy tier, with the key naming each host. */
export function platformRoutes(
  cfg: Pick<SwitchyardConfig, "monitoring" | "logging">,
): { app: string; host: string; path: string }[] {
  const grafana = cfg.monitoring.enabled ? cfg.monitoring.grafana.host : undefined;
  const graylog = cfg.logging.enabled ? cfg.logging.graylog.host : undefined;
  return [
    ...(grafana
      ? [{ app: GRAFANA_ROUTE_APP, host: grafana, path: "switchyard:monitoring.grafana.host" }]
      : []),
    ...(graylog ? [{ app: GRAYLOG_ROUTE_APP, host: graylog, path: "switchyard:logging.graylog.host" }] : []),
  ];
}
