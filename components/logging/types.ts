/**
 * The logging stack's typed arguments and the contract between its write path (Fluent Bit →
 * Kafka, components/logging/{kafka,fluentbit}) and its read side (Graylog, components/logging/graylog).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ResourceRequirements } from "./kafka/resources";

/**
 * What a record on the logs topic looks like. Every writer (Fluent Bit in pods and on hosts; apps
 * writing directly) produces one GELF 1.1 JSON document per Kafka message; Graylog reads the topic
 * with a GELF Kafka input. Fluent Bit's out_kafka writes GELF with `format gelf` and the
 * `gelf_*_key` options (names from fluent-bit plugins/out_kafka/kafka.c, its config_map); GELF
 * without `short_message` is dropped by Graylog, so the writers guarantee it (fluentbit/lua).
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

/** A Kafka user Strimzi manages: its name and the Secret (in the Kafka namespace) with its password. */
export interface KafkaUserRef {
  /** KafkaUser name, which is the SASL user name. */
  name: string;
  /**
   * Secret in the Kafka namespace with keys `password` and `sasl.jaas.config` (Strimzi writes
   * it for the KafkaUser; the user's own Secret is the one named here).
   */
  secretName: string;
}

/** What a consumer inside the cluster (Graylog) needs from Kafka. */
export interface KafkaForConsumers {
  /** Strimzi cluster name. */
  clusterName: string;
  /** The Kafka namespace (also Graylog's: Strimzi writes user secrets there only). */
  namespace: pulumi.Output<string>;
  /** `host:port` of the internal TLS + SCRAM-SHA-512 listener's bootstrap Service. */
  bootstrapServers: pulumi.Output<string>;
  /** The logs topic. */
  topic: string;
  /** Graylog's consumer group; its user may read only with this group. */
  consumerGroup: string;
  /** Graylog's Kafka user (read the topic, use the group). */
  graylogUser: KafkaUserRef;
  /** Secret `<cluster>-cluster-ca-cert` (key `ca.crt`): the CA that signed the brokers' certificates. */
  clusterCaSecret: string;
  /** Key of the CA certificate in clusterCaSecret. */
  clusterCaKey: "ca.crt";
  saslMechanism: typeof KAFKA_SASL_MECHANISM;
  /** Wait for these before consuming: the Kafka cluster, the topic and Graylog's user. */
  ready: pulumi.Resource[];
}

export interface KafkaArgs {
  storageClass: string;
  brokers: number;
  controllers: number;
  storageGiB: number;
  controllerStorageGiB: number;
  brokerResources: ResourceRequirements;
  controllerResources: ResourceRequirements;
  topic: {
    name: string;
    partitions: number;
    replicationFactor: number;
    minInsyncReplicas: number;
    retentionHours: number;
    retentionGiBPerPartition?: number;
  };
}

export interface FluentBitArgs {
  resources: ResourceRequirements;
  bufferMiB: number;
  memBufLimitMiB: number;
}

export interface HostLoggingArgs {
  bufferMiB: number;
  cpuQuota: string;
  memoryMax: string;
}

export interface LoggingArgs {
  /** The logging namespace (privileged Pod Security: Fluent Bit reads the nodes' /var/log). */
  namespace: pulumi.Input<string>;
  /** `production` keeps Kafka's volumes and the CRDs from being deleted by accident. */
  protect: boolean;
  kafka: KafkaArgs;
  fluentBit: FluentBitArgs;
  /** Fluent Bit on the EC2 hosts; none: the hosts keep their journals to themselves. */
  hosts?: HostLoggingArgs;
}
