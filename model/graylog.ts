/**
 * What the Graylog configurator makes true (components/logging/graylog renders it; the program in
 * hosts/graylog-configurator applies it through Graylog's REST API), and the API's own names:
 * class names and field names as graylog2-server defines them (KafkaTransport, GELFKafkaInput,
 * IndexSetSummary, CreateStreamRequest, StreamRuleType).
 */

/** Objects the configurator owns are found by these titles; anything else is left alone. */
export interface GraylogDesiredState {
  indexSet: {
    title: string;
    description: string;
    /** Index names start with it; fixed at creation (Graylog cannot rename indices). */
    indexPrefix: string;
    shards: number;
    replicas: number;
    /** Messages stay searchable at least this long (index_lifetime_min). */
    retentionDays: number;
  };
  input: {
    title: string;
    /** host:port list of the brokers' TLS listener. */
    bootstrapServers: string;
    topic: string;
    groupId: string;
    /** Consumer threads (one per partition at most is useful). */
    threads: number;
    /**
     * Kafka consumer properties without any credential (security.protocol, sasl.mechanism, the
     * truststore path inside the Graylog pods); the SASL login line is added from the secret.
     */
    properties: Record<string, string>;
    /** SCRAM user the input authenticates as; its password is read from the credentials Secret. */
    username: string;
  };
  stream: { title: string; description: string };
}

export const GELF_KAFKA_INPUT_TYPE = "org.graylog2.inputs.gelf.kafka.GELFKafkaInput";

/** StreamRuleType.MATCH_INPUT: a message matches when it arrived through the input `value`. */
export const STREAM_RULE_MATCH_INPUT = 8;
/** The message field Graylog sets to the id of the input a message came through. */
export const SOURCE_INPUT_FIELD = "gl2_source_input";

export const INDEX_ROTATION = {
  strategyClass: "org.graylog2.indexer.rotation.strategies.TimeBasedSizeOptimizingStrategy",
  configType: "org.graylog2.indexer.rotation.strategies.TimeBasedSizeOptimizingStrategyConfig",
} as const;
export const INDEX_RETENTION = {
  strategyClass: "org.graylog2.indexer.retention.strategies.DeletionRetentionStrategy",
  configType: "org.graylog2.indexer.retention.strategies.DeletionRetentionStrategyConfig",
} as const;

export const GRAYLOG_API = {
  /** Unauthenticated; "ALIVE" (200) once the node processes messages. */
  lbStatus: "/api/system/lbstatus",
  inputs: "/api/system/inputs",
  indexSets: "/api/system/indices/index_sets",
  streams: "/api/streams",
} as const;

/** Graylog refuses state-changing requests without this header (CSRF protection). */
export const REQUESTED_BY_HEADER = "X-Requested-By";
