/**
 * switchyard:logging:Logging: the Strimzi operator and a KRaft Kafka cluster in the logging
 * namespace, the logs topic and its users, Fluent Bit on every node writing to it. Graylog
 * (components/logging/graylog) reads the topic through `kafka` (KafkaForConsumers).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { HOST_PATHS, PASSWORD_ENV } from "../common/fluentbit/config";
import type { HostLogsTarget } from "../common/host/fluentBit";
import { createHostEndpoint } from "../common/hostEndpoint";
import { createFluentBit } from "./fluentbit/daemonset";
import { Graylog, type GraylogSettings } from "./graylog";
import { createKafka } from "./kafka/cluster";
import { HOSTS_PORTS, KAFKA_USERS } from "./kafka/specs";
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
  /** Where the EC2 hosts' Fluent Bit writes (with hosts and a hostEndpoint). */
  readonly hostLogs?: HostLogsTarget;
  /** The cluster CA certificate (PEM) clients verify the brokers with. */
  readonly caCertPem: pulumi.Output<string>;

  private readonly name: string;
  private readonly args: LoggingArgs;

  constructor(name: string, args: LoggingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:logging:Logging", name, {}, opts);
    this.name = name;
    this.args = args;
    // The hosts come in through their own internal NLB: bootstrap plus one port per broker.
    const withHosts =
      args.hosts && args.hostEndpoint ? { hosts: args.hosts, placement: args.hostEndpoint } : undefined;
    const brokerPorts = Array.from({ length: args.kafka.brokers }, (_, id) => ({
      id,
      ...HOSTS_PORTS.broker(id),
    }));
    const hostsAddress = withHosts
      ? createHostEndpoint(
          {
            prefix: `${name}-kafka`,
            lb: `${name}-kafka`,
            lbDescription: "Internal Kafka load balancer: host Fluent Bits to the logs topic",
            keys: { nodes: "kafka-from-kafka-lb", writers: "logs-to-kafka" },
            describe: {
              fromWriter: (role) => `Kafka writes from the ${role} hosts' Fluent Bit`,
              toNodes: "Kafka's hosts listener node ports on the Kubernetes nodes",
              nodes: "Kafka writes through the internal Kafka load balancer",
              writers: "Fluent Bit writes to Kafka through the internal Kafka load balancer",
            },
          },
          [
            {
              id: "bootstrap",
              ...HOSTS_PORTS.bootstrap,
              healthCheck: { protocol: "TCP", port: "traffic-port" },
            },
            ...brokerPorts.map((b) => ({
              id: `broker-${b.id}`,
              port: b.port,
              nodePort: b.nodePort,
              healthCheck: { protocol: "TCP", port: "traffic-port" },
            })),
          ],
          withHosts.placement,
          this,
        )
      : undefined;
    const kafka = createKafka(
      name,
      { ...args.kafka, namespace: args.namespace, protect: args.protect },
      hostsAddress?.apply((address) => ({ address, bootstrap: HOSTS_PORTS.bootstrap, brokers: brokerPorts })),
      this,
    );
    if (withHosts && hostsAddress) {
      // What the hosts fetch at boot: the host-logs password (as systemd's EnvironmentFile) and the CA.
      const secret = new aws.secretsmanager.Secret(
        `${name}-host-logs`,
        {
          description:
            "Kafka password of the write-only host-logs user and the cluster CA, for the EC2 hosts' Fluent Bit",
          recoveryWindowInDays: 7,
        },
        { parent: this },
      );
      new aws.secretsmanager.SecretVersion(
        `${name}-host-logs`,
        {
          secretId: secret.id,
          secretString: pulumi.secret(
            pulumi.all([kafka.passwords.hosts, kafka.caCertPem]).apply(([password, ca]) =>
              JSON.stringify({
                [HOST_PATHS.envFile]: `${PASSWORD_ENV}=${password}\n`,
                [HOST_PATHS.caFile]: ca,
              }),
            ),
          ),
        },
        { parent: this },
      );
      this.hostLogs = {
        brokers: pulumi.interpolate`${hostsAddress}:${HOSTS_PORTS.bootstrap.port}`,
        topic: args.kafka.topic.name,
        username: KAFKA_USERS.hosts.name,
        credentialsSecretArn: secret.arn,
        ...withHosts.hosts,
      };
    }
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
