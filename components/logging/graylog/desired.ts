/**
 * What the configurator Job makes true in Graylog, derived from stack config alone (no secret:
 * the Kafka password reaches the Job from the KafkaUser's Secret). Rendered into a ConfigMap;
 * its hash names the Job, so a changed retention or topic runs the configurator again.
 */
import type { GraylogDesiredState } from "../../../model/graylog";
import { GRAYLOG_PATHS } from "./layout";

export interface GraylogDesiredArgs {
  /** Days messages stay searchable (logging.graylog.retentionDays). */
  retentionDays: number;
  /** OpenSearch nodes: one primary shard each, one replica when there is a second node. */
  searchNodes: number;
  /** Graylog nodes: each runs the (global) input, together they should cover the partitions. */
  graylogReplicas: number;
  kafka: {
    bootstrapServers: string;
    topic: string;
    partitions: number;
    groupId: string;
    username: string;
  };
}

export const MANAGED_TITLES = {
  indexSet: "switchyard logs",
  input: "switchyard logs (Kafka)",
  stream: "switchyard logs",
} as const;

export function graylogDesiredState(a: GraylogDesiredArgs): GraylogDesiredState {
  return {
    indexSet: {
      title: MANAGED_TITLES.indexSet,
      description: `Container and host logs from Kafka topic ${a.kafka.topic}; managed by switchyard`,
      indexPrefix: "switchyard-logs",
      shards: a.searchNodes,
      replicas: a.searchNodes > 1 ? 1 : 0,
      retentionDays: a.retentionDays,
    },
    input: {
      title: MANAGED_TITLES.input,
      bootstrapServers: a.kafka.bootstrapServers,
      topic: a.kafka.topic,
      groupId: a.kafka.groupId,
      // Every Graylog node consumes in the same group; more threads than partitions idle.
      threads: Math.max(1, Math.ceil(a.kafka.partitions / a.graylogReplicas)),
      properties: {
        "security.protocol": "SASL_SSL",
        "sasl.mechanism": "SCRAM-SHA-512",
        // The cluster CA as PEM (Kafka clients read PEM truststores since 2.7): no keystore password.
        "ssl.truststore.type": "PEM",
        "ssl.truststore.location": GRAYLOG_PATHS.kafkaCaFile,
        "ssl.endpoint.identification.algorithm": "https",
      },
      username: a.kafka.username,
    },
    stream: {
      title: MANAGED_TITLES.stream,
      description: "Everything the switchyard Kafka input receives; managed by switchyard",
    },
  };
}

export function renderDesiredState(state: GraylogDesiredState): string {
  return JSON.stringify(state, null, 2) + "\n";
}
