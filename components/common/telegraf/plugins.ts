/**
 * The Telegraf plugins and options this project renders, copied from upstream
 * (influxdata/telegraf at b27263146617, v1.40 development: docs/CONFIGURATION.md and each
 * plugins/<kind>/<name>/sample.conf). The renderer refuses anything not listed, so a misspelt
 * option fails at plan time instead of making Telegraf refuse to start on a host.
 */

/** `[agent]` options (docs/CONFIGURATION.md, "Agent"). */
export const AGENT_OPTIONS = [
  "interval",
  "round_interval",
  "metric_batch_size",
  "metric_buffer_limit",
  "collection_jitter",
  "flush_interval",
  "flush_jitter",
  "precision",
  "debug",
  "quiet",
  "hostname",
  "omit_hostname",
] as const;

/** Options every input takes (docs/CONFIGURATION.md, "Input Plugins" and "Metric Filtering"). */
const INPUT_COMMON = [
  "alias",
  "interval",
  "name_override",
  "name_prefix",
  "name_suffix",
  "tags",
  "namepass",
  "namedrop",
  "fieldinclude",
  "fieldexclude",
  "taginclude",
  "tagexclude",
] as const;

/** Options every output takes. */
const OUTPUT_COMMON = [
  "alias",
  "flush_interval",
  "metric_batch_size",
  "metric_buffer_limit",
  "namepass",
  "namedrop",
] as const;

const TLS = ["tls_ca", "tls_cert", "tls_key", "insecure_skip_verify"] as const;

export const INPUT_PLUGINS = {
  kubernetes: [
    "url",
    "bearer_token",
    "response_timeout",
    "label_include",
    "label_exclude",
    "node_metric_name",
    ...TLS,
  ],
  kube_inventory: [
    "url",
    "namespace",
    "bearer_token",
    "response_timeout",
    "resource_include",
    "resource_exclude",
    "selector_include",
    "selector_exclude",
    "node_name",
    "tls_server_name",
    ...TLS,
  ],
  haproxy: ["servers", "keep_field_names", ...TLS],
  prometheus: ["urls", "metric_version", "response_timeout", "timeout", "url_tag", ...TLS],
  mysql: [
    "servers",
    "metric_version",
    "gather_replica_status",
    "mariadb_dialect",
    "gather_global_variables",
    "gather_process_list",
    "gather_innodb_metrics",
    ...TLS,
  ],
  mongodb: ["servers", "gather_perdb_stats", "gather_col_stats", "gather_cluster_status", ...TLS],
  diskio: ["devices", "skip_serial_number"],
  cpu: ["percpu", "totalcpu", "collect_cpu_time", "report_active"],
  mem: [],
  disk: ["mount_points", "ignore_fs"],
  system: [],
  internal: ["collect_memstats"],
} as const satisfies Record<string, readonly string[]>;

export const OUTPUT_PLUGINS = {
  influxdb: [
    "urls",
    "database",
    "retention_policy",
    "username",
    "password",
    "skip_database_creation",
    "timeout",
    "content_encoding",
    ...TLS,
  ],
  /** An HTTP endpoint answering 200 while Telegraf runs: the pods' probes. */
  health: ["service_address", "read_timeout", "write_timeout", "max_time_between_metrics"],
} as const satisfies Record<string, readonly string[]>;

export const INPUT_COMMON_OPTIONS: readonly string[] = INPUT_COMMON;
export const OUTPUT_COMMON_OPTIONS: readonly string[] = OUTPUT_COMMON;

export type InputPlugin = keyof typeof INPUT_PLUGINS;
export type OutputPlugin = keyof typeof OUTPUT_PLUGINS;
