/** The typed arguments of switchyard:logging:Graylog. */
import type * as pulumi from "@pulumi/pulumi";
import type { ConfiguratorBundle } from "./bundle";

type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

export interface GraylogArgs {
  /** The logging namespace (Kafka's too: Strimzi's Secrets are readable only there). */
  namespace: pulumi.Input<string>;
  /** gp3 StorageClass for the journal and index volumes. */
  storageClass: string;
  replicas: number;
  journalGiB: number;
  resources: Resources;
  /** Host the HAProxy tier serves Graylog under (https); none: port-forward only. */
  host?: string;
  retentionDays: number;
  search: { nodes: number; storageGiB: number; resources: Resources };
  /** Graylog's database on the MongoDB replica set (a platform-service user of its own). */
  mongodb: {
    /** mongodb://…/graylog?replicaSet=…&tls=true&authSource=graylog; secret. */
    uri: pulumi.Input<string>;
    /** The replica set's CA, trusted by Graylog's JVM for that connection. */
    caCertPem: pulumi.Input<string>;
  };
  /** How the GELF Kafka input reads the logs topic (from the Kafka side of the logging stack). */
  kafka: {
    /** host:port list of the brokers' TLS (SCRAM) listener. */
    bootstrapServers: pulumi.Input<string>;
    topic: string;
    partitions: number;
    groupId: string;
    /** The Graylog KafkaUser (SCRAM-SHA-512, read and group ACLs only). */
    username: string;
    /** Strimzi's Secret of that KafkaUser (key `password`). */
    credentialsSecret: pulumi.Input<string>;
    /** Strimzi's `<cluster>-cluster-ca-cert` Secret (key `ca.crt`). */
    clusterCaSecret: pulumi.Input<string>;
  };
  configuratorBundle: ConfiguratorBundle;
}

/** What the Logging component does not supply itself (it adds the namespace and the Kafka side). */
export type GraylogSettings = Omit<GraylogArgs, "namespace" | "kafka">;
