/**
 * The Telegraf measurements the dashboards and alerts read, with the tag and field names exactly
 * as the upstream plugins write them (influxdata/telegraf plugins/inputs/<plugin>/README.md and
 * source, checked at commit b27263146617; `host` is the tag Telegraf's agent adds). One table: queries name measurements, tags and fields
 * only through it, and the InfluxDB checks write their synthetic points from it.
 */

export interface MeasurementSpec {
  /** Telegraf input that writes it (our `name_override` where one is set). */
  plugin: string;
  tags: readonly string[];
  fields: readonly string[];
}

export const MEASUREMENTS = {
  /**
   * Written by both inputs: kube_inventory (restarts, state, limits; plus a series per pod
   * condition with `condition`/`status` tags) and kubernetes (kubelet usage). `state`,
   * `readiness`, `phase` and `status` change when a container restarts: never group by them.
   */
  kubernetes_pod_container: {
    plugin: "kube_inventory, kubernetes",
    tags: [
      "host",
      "namespace",
      "pod_name",
      "container_name",
      "node_name",
      "state",
      "readiness",
      "phase",
      "condition",
      "status",
    ],
    fields: [
      "restarts_total",
      "state_code",
      "status_condition",
      "resource_limits_millicpu_units",
      "resource_limits_memory_bytes",
      "cpu_usage_nanocores",
      "memory_working_set_bytes",
    ],
  },
  /** kube_inventory: one series per node condition (`condition`, `status` tags). */
  kubernetes_node: {
    plugin: "kube_inventory",
    tags: ["host", "node_name", "condition", "status"],
    fields: ["status_condition", "spec_unschedulable"],
  },
  kubernetes_deployment: {
    plugin: "kube_inventory",
    tags: ["namespace", "deployment_name"],
    fields: ["replicas_available", "replicas_unavailable"],
  },
  /** HAProxy's stats CSV; `type` is frontend, backend, server or listener; `proxy` is pxname. */
  haproxy: {
    plugin: "haproxy",
    tags: ["host", "proxy", "sv", "type"],
    fields: ["status", "active_servers", "req_tot", "http_response.5xx"],
  },
  /** The agent's /metrics (prometheus input, metric_version 2, name_override). */
  switchyard_agent: {
    plugin: "prometheus",
    tags: ["host"],
    fields: [
      "switchyard_agent_flips_total",
      "switchyard_agent_refused_flips_total",
      "switchyard_agent_etcd_connected",
      "switchyard_agent_apply_errors_total",
    ],
  },
  /** etcd's /metrics (prometheus input, metric_version 2, name_override); histograms add _sum/_count fields. */
  etcd: {
    plugin: "prometheus",
    tags: ["host"],
    fields: [
      "etcd_server_has_leader",
      "etcd_server_is_leader",
      "etcd_server_proposals_committed_total",
      "etcd_server_proposals_failed_total",
      "etcd_disk_wal_fsync_duration_seconds_sum",
      "etcd_disk_wal_fsync_duration_seconds_count",
    ],
  },
  /** mysql input, metric_version 2: SHOW REPLICA STATUS columns become lower-case `slave_*` fields. */
  mysql: {
    plugin: "mysql",
    tags: ["host", "server"],
    fields: [
      "slave_seconds_behind_source",
      "slave_replica_io_running",
      "slave_replica_sql_running",
      "threads_connected",
    ],
  },
  /**
   * mongodb input: serverStatus and, on a replica-set member, replSetGetStatus (`node_type` PRI
   * or SEC, `rs_name`); `repl_lag` is seconds behind the primary, `hostname` the server address.
   */
  mongodb: {
    plugin: "mongodb",
    tags: ["host", "hostname", "node_type", "rs_name"],
    fields: ["connections_current", "repl_lag", "repl_state"],
  },
  /** diskio: cumulative operation counters per block device. */
  diskio: {
    plugin: "diskio",
    tags: ["host", "name"],
    fields: ["reads", "writes"],
  },
} as const satisfies Record<string, MeasurementSpec>;

export type Measurement = keyof typeof MEASUREMENTS;
export type FieldOf<M extends Measurement> = (typeof MEASUREMENTS)[M]["fields"][number];
export type TagOf<M extends Measurement> = (typeof MEASUREMENTS)[M]["tags"][number];

/** The container's identity: stable across restarts (the one grouping restarts may use). */
export const CONTAINER_IDENTITY = [
  "namespace",
  "pod_name",
  "container_name",
] as const satisfies readonly TagOf<"kubernetes_pod_container">[];

/** Quoted names, type-checked against the table: a misspelt field is a compile error. */
export const m = (name: Measurement): string => `"${name}"`;
export const f = <M extends Measurement>(_m: M, field: FieldOf<M>): string => `"${field}"`;
export const t = <M extends Measurement>(_m: M, tag: TagOf<M>): string => `"${tag}"`;
