/**
 * switchyard:logging:Logging: the Strimzi operator and a KRaft Kafka cluster in the logging
 * namespace, the logs topic and its users, Fluent Bit on every node writing to it. Graylog
 * (components/logging/graylog) reads the topic through `kafka` (KafkaForConsumers).
 */
import * as pulumi from "@pulumi/pulumi";
import { createFluentBit } from "./fluentbit/daemonset";
import { Graylog, type GraylogSettings } from "./graylog";
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

  private readonly name: string;
  private readonly args: LoggingArgs;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:logging:Logging", name, {}, opts);
    this.name = name;
    this.args = args;
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

  /**
   * The read side: Graylog reading the logs topic with its own Kafka user. Declared after the
   * MongoDB replica set that holds Graylog's state, whose hosts in turn ship their logs here.
   */
  addGraylog(settings: GraylogSettings): Graylog {
    const k = this.kafka;
    return new Graylog(
      `${this.name}-graylog`,
      {
        ...settings,
        namespace: this.args.namespace,
        kafka: {
          bootstrapServers: k.bootstrapServers,
          topic: k.topic,
          partitions: this.args.kafka.topic.partitions,
          groupId: k.consumerGroup,
          username: k.graylogUser.name,
          credentialsSecret: k.graylogUser.secretName,
          clusterCaSecret: k.clusterCaSecret,
        },
      },
      { parent: this, dependsOn: k.ready },
    );
  }
}
