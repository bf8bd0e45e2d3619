/**
 * The Fluent Bit plugins and options the rendered configurations may use: exactly the names the
 * upstream source accepts, copied from fluent/fluent-bit v5.1.1 (the version of IMAGE/host package):
 * service keys from include/fluent-bit/flb_config.h (FLB_CONF_*); the options every input, filter
 * and output instance takes from src/flb_input.c, src/flb_filter.c, src/flb_output.c
 * (prop_key_check); each plugin's own from its `config_map` in plugins/in_tail/tail.c,
 * plugins/in_systemd/systemd.c, plugins/filter_kubernetes/kubernetes.c, plugins/filter_lua/lua.c,
 * plugins/filter_record_modifier/filter_modifier.c and plugins/out_kafka/kafka.c. Keys are
 * case-insensitive in Fluent Bit; the table is lower case. A name outside it is a test failure.
 */

export const FLUENT_BIT_VERSION = "5.1.1";

export const SERVICE_KEYS = [
  "flush",
  "grace",
  "daemon",
  "log_file",
  "log_level",
  "parsers_file",
  "plugins_file",
  "http_server",
  "http_listen",
  "http_port",
  "health_check",
  "hc_errors_count",
  "hc_retry_failure_count",
  "hc_period",
  "storage.path",
  "storage.sync",
  "storage.metrics",
  "storage.checksum",
  "storage.backlog.mem_limit",
  "storage.max_chunks_up",
  "storage.trim_files",
  "storage.type",
  "storage.inherit",
  "storage.keep.rejected",
] as const;

const INSTANCE = {
  input: [
    "name",
    "tag",
    "log_level",
    "alias",
    "mem_buf_limit",
    "storage.type",
    "threaded",
    "storage.pause_on_chunks_overlimit",
    "routable",
  ],
  filter: ["name", "match", "match_regex", "alias", "log_level"],
  output: [
    "name",
    "match",
    "match_regex",
    "alias",
    "log_level",
    "retry_limit",
    "storage.total_limit_size",
    "workers",
  ],
} as const;

export type PluginKind = keyof typeof INSTANCE;

export const PLUGINS: Record<
  PluginKind,
  Record<string, { options: readonly string[]; prefixes?: readonly string[] }>
> = {
  input: {
    tail: {
      options: [
        "path",
        "exclude_path",
        "key",
        "read_from_head",
        "refresh_interval",
        "rotate_wait",
        "path_key",
        "ignore_older",
        "buffer_chunk_size",
        "buffer_max_size",
        "skip_long_lines",
        "exit_on_eof",
        "parser",
        "db",
        "db.sync",
        "db.locking",
        "db.journal_mode",
        "multiline.parser",
      ],
    },
    systemd: {
      options: [
        "path",
        "max_fields",
        "max_entries",
        "systemd_filter_type",
        "systemd_filter",
        "read_from_tail",
        "lowercase",
        "strip_underscores",
        "db",
        "db.sync",
      ],
    },
  },
  filter: {
    kubernetes: {
      options: [
        "buffer_size",
        "merge_log",
        "merge_log_key",
        "merge_log_trim",
        "keep_log",
        "kube_url",
        "kube_ca_file",
        "kube_token_file",
        "kube_tag_prefix",
        "labels",
        "annotations",
        "k8s-logging.parser",
        "k8s-logging.exclude",
        "use_kubelet",
        "kubelet_port",
        "kube_meta_cache_ttl",
      ],
    },
    lua: {
      options: [
        "script",
        "code",
        "call",
        "type_int_key",
        "type_array_key",
        "protected_mode",
        "time_as_table",
      ],
    },
    record_modifier: { options: ["record", "remove_key", "allowlist_key", "uuid_key"] },
  },
  output: {
    kafka: {
      options: [
        "format",
        "message_key",
        "message_key_field",
        "timestamp_key",
        "timestamp_format",
        "topics",
        "topic_key",
        "dynamic_topic",
        "brokers",
        "client_id",
        "queue_full_retries",
        "gelf_timestamp_key",
        "gelf_host_key",
        "gelf_short_message_key",
        "gelf_full_message_key",
        "gelf_level_key",
        "raw_log_key",
      ],
      // Passed to librdkafka as they are; the names after the prefix must be in RDKAFKA_PROPERTIES.
      prefixes: ["rdkafka."],
    },
  },
};

/** The librdkafka properties we set (edenhill/librdkafka CONFIGURATION.md), after `rdkafka.`. */
export const RDKAFKA_PROPERTIES = [
  "security.protocol",
  "sasl.mechanisms",
  "sasl.username",
  "sasl.password",
  "ssl.ca.location",
  "ssl.endpoint.identification.algorithm",
  "enable.ssl.certificate.verification",
  "request.required.acks",
  "compression.codec",
  "message.timeout.ms",
  "queue.buffering.max.kbytes",
  "queue.buffering.max.messages",
  "client.id",
] as const;

/** `[kind, plugin, option]` problems of one section, empty when all names are real. */
export function unknownOptions(kind: PluginKind, section: Record<string, unknown>): string[] {
  const name = String(section.name ?? "");
  const plugin = PLUGINS[kind][name];
  if (!plugin) return [`${kind} plugin ${JSON.stringify(name)} is not one we know`];
  const known = new Set<string>([...INSTANCE[kind], ...plugin.options]);
  return Object.keys(section)
    .map((k) => k.toLowerCase())
    .filter((k) => {
      if (known.has(k)) return false;
      const prefix = (plugin.prefixes ?? []).find((p) => k.startsWith(p));
      return !prefix || !(RDKAFKA_PROPERTIES as readonly string[]).includes(k.slice(prefix.length));
    })
    .map((k) => `${kind} ${name}: unknown option ${k}`);
}

export function unknownServiceKeys(service: Record<string, unknown>): string[] {
  const known = new Set<string>(SERVICE_KEYS);
  return Object.keys(service)
    .filter((k) => !known.has(k.toLowerCase()))
    .map((k) => `service: unknown key ${k}`);
}
