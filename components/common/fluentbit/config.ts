/**
 * Fluent Bit's configurations (YAML format) as data: the node DaemonSet's (container logs) and the
 * EC2 hosts' (journal). Both end in the same kafka output writing GELF to the logs topic over
 * SASL_SSL; `checkConfig` names anything that is not a real plugin or option (plugins.ts).
 */
import { stringify } from "yaml";
import { KAFKA_SASL_MECHANISM, LOG_FORMAT } from "./format";
import { GELF_FUNCTION } from "./lua";
import { unknownOptions, unknownServiceKeys, type PluginKind } from "./plugins";

type Value = string | number | boolean | string[];
export type Section = Record<string, Value>;

export interface FluentBitConfig {
  service: Section;
  pipeline: { inputs: Section[]; filters: Section[]; outputs: Section[] };
}

export const HTTP_PORT = 2020;
/** The environment variable the Kafka password reaches Fluent Bit in (never in the file). */
export const PASSWORD_ENV = "KAFKA_PASSWORD";

export interface KafkaOutputInput {
  brokers: string;
  topic: string;
  username: string;
  caFile: string;
  /** Filesystem buffer of the output: what an outage may queue. */
  bufferMiB: number;
}

/**
 * GELF to the logs topic. Nothing is dropped while Kafka is away: `retry_limit no_limits` keeps
 * every chunk in the filesystem buffer until Kafka takes it; librdkafka never times a message out
 * (`message.timeout.ms` 0) and queues little in memory, so the backlog stays on disk; acks=all makes
 * a write count only once `min.insync.replicas` copies have it.
 */
export function kafkaOutput(k: KafkaOutputInput): Section {
  return {
    name: "kafka",
    match: "*",
    brokers: k.brokers,
    topics: k.topic,
    format: LOG_FORMAT.encoding,
    gelf_short_message_key: LOG_FORMAT.messageKey,
    gelf_host_key: LOG_FORMAT.hostKey,
    gelf_full_message_key: LOG_FORMAT.fullMessageKey,
    gelf_level_key: LOG_FORMAT.levelKey,
    retry_limit: "no_limits",
    "storage.total_limit_size": `${k.bufferMiB}M`,
    "rdkafka.security.protocol": "SASL_SSL",
    "rdkafka.sasl.mechanisms": KAFKA_SASL_MECHANISM,
    "rdkafka.sasl.username": k.username,
    "rdkafka.sasl.password": `\${${PASSWORD_ENV}}`,
    "rdkafka.ssl.ca.location": k.caFile,
    "rdkafka.ssl.endpoint.identification.algorithm": "https",
    "rdkafka.request.required.acks": "-1",
    "rdkafka.compression.codec": "lz4",
    "rdkafka.message.timeout.ms": "0",
    "rdkafka.queue.buffering.max.kbytes": "10240",
  };
}

/** The GELF filter (lua.ts); `level` is packed as an integer, as GELF requires. */
export function gelfFilter(script: string): Section {
  return { name: "lua", match: "*", script, call: GELF_FUNCTION, type_int_key: LOG_FORMAT.levelKey };
}

export function serviceSection(storagePath: string): Section {
  return {
    flush: 1,
    grace: 10,
    log_level: "info",
    http_server: "on",
    http_listen: "0.0.0.0",
    http_port: HTTP_PORT,
    "storage.path": storagePath,
    "storage.sync": "normal",
    "storage.checksum": "off",
    "storage.backlog.mem_limit": "16M",
    "storage.metrics": "on",
  };
}

export const POD_PATHS = {
  configDir: "/fluent-bit/etc",
  config: "/fluent-bit/etc/fluent-bit.yaml",
  script: "/fluent-bit/etc/gelf.lua",
  caDir: "/fluent-bit/kafka-ca",
  /** hostPath on the node: the buffer and the tail positions survive a pod restart. */
  state: "/var/lib/fluent-bit",
} as const;

export interface PodConfigInput {
  kafka: Omit<KafkaOutputInput, "caFile">;
  memBufLimitMiB: number;
}

export function podConfig(p: PodConfigInput): FluentBitConfig {
  return {
    service: serviceSection(`${POD_PATHS.state}/buffer`),
    pipeline: {
      inputs: [
        {
          name: "tail",
          tag: "kube.*",
          path: "/var/log/containers/*.log",
          // Containerd writes CRI lines; the parsers also join lines the runtime split.
          "multiline.parser": "cri, docker",
          db: `${POD_PATHS.state}/tail.db`,
          "db.locking": true,
          mem_buf_limit: `${p.memBufLimitMiB}M`,
          skip_long_lines: "on",
          refresh_interval: 10,
          "storage.type": "filesystem",
        },
      ],
      filters: [
        {
          name: "kubernetes",
          match: "kube.*",
          kube_tag_prefix: "kube.var.log.containers.",
          merge_log: "on",
          keep_log: "off",
          "k8s-logging.parser": "on",
          "k8s-logging.exclude": "on",
          labels: "on",
          annotations: "off",
        },
        gelfFilter(POD_PATHS.script),
      ],
      outputs: [kafkaOutput({ ...p.kafka, caFile: `${POD_PATHS.caDir}/ca.crt` })],
    },
  };
}

export const HOST_PATHS = {
  config: "/etc/fluent-bit/switchyard.yaml",
  script: "/etc/fluent-bit/gelf.lua",
  secretsDir: "/etc/fluent-bit/secrets",
  /** Keys of the Secrets Manager JSON document (and the files they become). */
  envFile: "kafka.env",
  caFile: "kafka-ca.crt",
  state: "/var/lib/fluent-bit",
} as const;

export interface HostConfigInput {
  /** Tag every record carries as `role` (GELF `_role`): edge, etcd, mysql, mongodb. */
  role: string;
  /** systemd units whose journal the host ships. */
  units: string[];
  kafka: Omit<KafkaOutputInput, "caFile">;
}

export function hostConfig(h: HostConfigInput): FluentBitConfig {
  return {
    service: serviceSection(`${HOST_PATHS.state}/buffer`),
    pipeline: {
      inputs: [
        {
          name: "systemd",
          tag: "host.*",
          systemd_filter: h.units.map((u) => `_SYSTEMD_UNIT=${u}`),
          systemd_filter_type: "or",
          db: `${HOST_PATHS.state}/journal.db`,
          mem_buf_limit: "16M",
          "storage.type": "filesystem",
        },
      ],
      filters: [
        gelfFilter(HOST_PATHS.script),
        { name: "record_modifier", match: "*", record: `role ${h.role}` },
      ],
      outputs: [kafkaOutput({ ...h.kafka, caFile: `${HOST_PATHS.secretsDir}/${HOST_PATHS.caFile}` })],
    },
  };
}

/** Everything in the configuration that is not a real Fluent Bit plugin or option. */
export function checkConfig(c: FluentBitConfig): string[] {
  const sections: [PluginKind, Section[]][] = [
    ["input", c.pipeline.inputs],
    ["filter", c.pipeline.filters],
    ["output", c.pipeline.outputs],
  ];
  return [
    ...unknownServiceKeys(c.service),
    ...sections.flatMap(([kind, xs]) => xs.flatMap((x) => unknownOptions(kind, x))),
  ];
}

/** The YAML file Fluent Bit reads (`-c`); refuses a configuration with unknown names. */
export function renderConfig(c: FluentBitConfig): string {
  const problems = checkConfig(c);
  if (problems.length > 0) throw new Error(`invalid Fluent Bit configuration: ${problems.join("; ")}`);
  return stringify(c, { lineWidth: 0 });
}
