/** Maps `switchyard:monitoring` (and the apps it watches) onto the component's arguments. */
import type { SwitchyardConfig } from "../config";
import type { DataSource } from "./alerts/rules";
import { GRAFANA_PORT } from "./layout";
import type { MonitoringArgs } from "./types";

/** The host Telegrafs' sources per host role, with a field each of their points carries. */
export const HOST_SOURCES = {
  edge: [
    { id: "haproxy", measurement: "haproxy", field: "active_servers", label: "HAProxy" },
    {
      id: "agent",
      measurement: "switchyard_agent",
      field: "switchyard_agent_etcd_connected",
      label: "switchyard-agent",
    },
  ],
  etcd: [{ id: "etcd", measurement: "etcd", field: "etcd_server_has_leader", label: "etcd" }],
  mysql: [{ id: "mysql", measurement: "mysql", field: "threads_connected", label: "MySQL" }],
  mongodb: [{ id: "mongodb", measurement: "mongodb", field: "connections_current", label: "MongoDB" }],
} as const satisfies Record<string, readonly DataSource[]>;

export type HostRole = keyof typeof HOST_SOURCES;

export function monitoringArgsFromConfig(
  cfg: SwitchyardConfig,
  namespace: MonitoringArgs["namespace"],
  storageClass: string,
  hostRoles: HostRole[],
): MonitoringArgs {
  const mon = cfg.monitoring;
  const cp = mon.alerts.contactPoints;
  const { contactPoints: _omit, ...thresholds } = mon.alerts;
  return {
    namespace,
    region: cfg.region,
    influxdb: { ...mon.influxdb, storageClass },
    grafana: { host: mon.grafana.host },
    alerts: { ...thresholds, contactPoints: { email: cp.email, slack: cp.slack, sns: cp.sns } },
    apps: Object.entries(cfg.apps).map(([app, a]) => ({ app, live: a.live, minHealthy: a.minHealthy })),
    hostSources: hostRoles.flatMap((role) => [...HOST_SOURCES[role]]),
    databases: {
      // Dashboards and replication rules follow the config (quiet without data); the no-data
      // rules follow the hosts that really run a Telegraf (hostRoles).
      enabled: cfg.databases.mysql.enabled || cfg.databases.mongodb.enabled,
      provisionedIops: Math.min(cfg.databases.mysql.volume.iops, cfg.databases.mongodb.volume.iops),
    },
  };
}

/**
 * Container ports of the monitoring services HAProxy reaches directly (the nodes' security group
 * admits them from the HAProxy fleets): Grafana's, when it is routed under `grafana.host`.
 */
export function monitoringRoutedPorts(cfg: SwitchyardConfig): number[] {
  return cfg.monitoring.enabled && cfg.monitoring.grafana.host ? [GRAFANA_PORT] : [];
}
