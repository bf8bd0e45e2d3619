/**
 * The contract of the logs topic, shared by every writer and the reader (re-exported by
 * components/logging/types.ts). What a record on the logs topic looks like. Every writer (Fluent Bit in pods and on hosts; apps
 * writing directly) produces one GELF 1.1 JSON document per Kafka message; Graylog reads the topic
 * with a GELF Kafka input. Fluent Bit's out_kafka writes GELF with `format gelf` and the
 * `gelf_*_key` options (names from fluent-bit plugins/out_kafka/kafka.c, its config_map); GELF
 * without `short_message` is dropped by Graylog, so the writers guarantee it (lua.ts).
 */
export const LOG_FORMAT = {
  /** Fluent Bit out_kafka `format`. */
  encoding: "gelf",
  /** The Graylog input type that reads it (GELF over Kafka). */
  graylogInputType: "org.graylog2.inputs.gelf.kafka.GELFKafkaInput",
  /** GELF's mandatory message field, present on every record. */
  messageKey: "short_message",
  /** GELF's mandatory source field: the node (pods) or host name. */
  hostKey: "host",
  /** Multi-line detail (a stack trace), when the message has one. */
  fullMessageKey: "full_message",
  /** Syslog severity 0–7, when known. */
  levelKey: "level",
  /** Seconds since the epoch with fractions (GELF `timestamp`). */
  timestampKey: "timestamp",
} as const;

/** Kafka SASL mechanism of every Kafka user on the platform. */
export const KAFKA_SASL_MECHANISM = "SCRAM-SHA-512";
