/**
 * The logging stack's typed arguments and the contract between its write path (Fluent Bit →
 * Kafka, components/logging/{kafka,fluentbit}) and its read side (Graylog, components/logging/graylog).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { HostEndpointPlacement } from "../common/hostEndpoint";
import { KAFKA_SASL_MECHANISM } from "../common/fluentbit/format";
import type { ResourceRequirements } from "./kafka/resources";

export { LOG_FORMAT, KAFKA_SASL_MECHANISM } from "../common/fluentbit/format";

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
  /** The internal load balancer the hosts reach Kafka through (needs an aws provider); with hosts only. */
  hostEndpoint?: HostEndpointPlacement;
}
