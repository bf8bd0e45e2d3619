/**
 * switchyard:logging:Logging: the Strimzi operator and a KRaft Kafka cluster in the logging
 * namespace, the logs topic and its users, Fluent Bit on every node writing to it. Graylog
 * (components/logging/graylog) reads the topic through `kafka` (KafkaForConsumers).
 */
import * as pulumi from "@pulumi/pulumi";
import { createFluentBit } from "./fluentbit/daemonset";
import { createKafka } from "./kafka/cluster";
import { KAFKA_USERS } from "./kafka/specs";
import type { KafkaForConsumers, LoggingArgs } from "./types";

export class Logging extends pulumi.ComponentResource {
  /** What Graylog (or any in-cluster consumer) needs to read the logs topic. */
  readonly kafka: KafkaForConsumers;
  /** In-cluster bootstrap address (TLS + SCRAM-SHA-512) for apps that log to Kafka directly. */
  readonly bootstrapServers: pulumi.Output<string>;
  readonly topic: string;
  /** The apps' write-only Kafka user and its password (secret). */
  readonly appsUsername: string;
  readonly appsPassword: pulumi.Output<string>;
  /** The cluster CA certificate (PEM) clients verify the brokers with. */
  readonly caCertPem: pulumi.Output<string>;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:logging:Logging", name, {}, opts);
    const kafka = createKafka(
      name,
      { ...args.kafka, namespace: args.namespace, protect: args.protect },
      undefined,
      this,
    );
    createFluentBit(
      name,
      {
        ...args.fluentBit,
        namespace: args.namespace,
        bootstrapServers: kafka.consumers.bootstrapServers,
        topic: args.kafka.topic.name,
        user: kafka.users.fluentBit,
        caSecret: kafka.consumers.clusterCaSecret,
        dependsOn: kafka.ready,
      },
      this,
    );
    this.kafka = kafka.consumers;
    this.bootstrapServers = kafka.consumers.bootstrapServers;
    this.topic = args.kafka.topic.name;
    this.appsUsername = KAFKA_USERS.apps.name;
    this.appsPassword = kafka.passwords.apps;
    this.caCertPem = kafka.caCertPem;
    this.registerOutputs({
      bootstrapServers: this.bootstrapServers,
      topic: this.topic,
      appsUsername: this.appsUsername,
    });
  }
}
