/**
 * The Strimzi custom resources as plain data (kafka.strimzi.io/v1; field names from the 1.2.0
 * CRDs in strimzi-kafka-operator packaging/helm-charts/helm3/strimzi-kafka-operator/crds), so tests
 * check them without Pulumi.
 */
import { ENTITY_OPERATOR_RESOURCES, type ResourceRequirements } from "./resources";
import { KAFKA } from "./versions";

/** Strimzi cluster name: Services, Secrets and pods are named after it. */
export const CLUSTER_NAME = "logs";
export const ZONE_LABEL = "topology.kubernetes.io/zone";

/** Listeners: in-cluster clients use `tls`; the EC2 hosts come in on `hosts` through an internal NLB. */
export const LISTENERS = {
  internal: { name: "tls", port: 9093 },
  hosts: { name: "hosts", port: 9094 },
} as const;

/**
 * The hosts' path in through the internal NLB: its bootstrap port and one port per broker (the
 * broker's advertised port), each forwarded to a fixed node port of Strimzi's per-broker Service.
 * Ranges: brokers 0-8 (logging.kafka.brokers ≤ 9).
 */
export const HOSTS_PORTS = {
  bootstrap: { port: 9094, nodePort: 31090 },
  broker: (id: number) => ({ port: 9095 + id, nodePort: 31091 + id }),
} as const;

export const POOLS = {
  /** KRaft controllers; node ids 100+ so broker ids (0+) stay those of the per-broker node ports. */
  controllers: { name: "controllers", roles: ["controller"], nodeIds: "[100-199]" },
  brokers: { name: "brokers", roles: ["broker"], nodeIds: "[0-99]" },
} as const;

export const clusterCaSecret = (cluster: string) => `${cluster}-cluster-ca-cert`;
export const clusterCaKeySecret = (cluster: string) => `${cluster}-cluster-ca`;
/**
 * Generation of our cluster CA in Strimzi's annotations; raise it with a new CA (docs/logging.md,
 * "Cluster CA").
 */
export const CA_GENERATION = 0;
export const bootstrapService = (cluster: string) => `${cluster}-kafka-bootstrap`;

/** Kafka's ACL operations a KafkaUser rule may name (Strimzi 1.2.0 CRD, `operations`). */
export type AclOperation = "Read" | "Write" | "Describe" | "Create" | "Delete" | "Alter" | "All";

export interface AclRule {
  resource: { type: "topic" | "group"; name: string; patternType: "literal" };
  operations: AclOperation[];
  host: "*";
}

export type KafkaUserRole = "fluentBit" | "hosts" | "graylog" | "apps";

/** Every Kafka user of the platform: its name and what it may do, nothing more. */
export const KAFKA_USERS: Record<KafkaUserRole, { name: string; access: "write" | "read" }> = {
  fluentBit: { name: "fluent-bit", access: "write" },
  hosts: { name: "host-logs", access: "write" },
  graylog: { name: "graylog", access: "read" },
  apps: { name: "app-logs", access: "write" },
};

/** Graylog's consumer group, the only group its user may join. */
export const GRAYLOG_CONSUMER_GROUP = "graylog";

/**
 * Least privilege: writers may Write (and Describe, which producers need for metadata) the logs
 * topic only: no Create (the Topic Operator owns the topic), no Read, no group. Since Kafka 3.2
 * Write on the topic also covers idempotent producing (KIP-679), so no cluster ACL is needed.
 * The reader may Read and Describe the topic and Read its one consumer group.
 */
export function aclsFor(access: "write" | "read", topic: string, group = GRAYLOG_CONSUMER_GROUP): AclRule[] {
  const onTopic = (operations: AclOperation[]): AclRule => ({
    resource: { type: "topic", name: topic, patternType: "literal" },
    operations,
    host: "*",
  });
  if (access === "write") return [onTopic(["Write", "Describe"])];
  return [
    onTopic(["Read", "Describe"]),
    { resource: { type: "group", name: group, patternType: "literal" }, operations: ["Read"], host: "*" },
  ];
}

export interface UserSpecInput {
  access: "write" | "read";
  topic: string;
  /** Secret (in the Kafka namespace) with the password we generate; none: Strimzi generates one. */
  passwordSecret?: { name: string; key: string };
}

export function kafkaUserSpec(u: UserSpecInput) {
  return {
    authentication: {
      type: "scram-sha-512",
      ...(u.passwordSecret
        ? {
            password: {
              valueFrom: { secretKeyRef: { name: u.passwordSecret.name, key: u.passwordSecret.key } },
            },
          }
        : {}),
    },
    authorization: { type: "simple", acls: aclsFor(u.access, u.topic) },
  };
}

export interface TopicSpecInput {
  partitions: number;
  replicationFactor: number;
  minInsyncReplicas: number;
  retentionHours: number;
  retentionGiBPerPartition?: number;
}

export function kafkaTopicSpec(topic: string, t: TopicSpecInput) {
  return {
    topicName: topic,
    partitions: t.partitions,
    replicas: t.replicationFactor,
    config: {
      "retention.ms": t.retentionHours * 3_600_000,
      ...(t.retentionGiBPerPartition ? { "retention.bytes": t.retentionGiBPerPartition * 1024 ** 3 } : {}),
      "min.insync.replicas": t.minInsyncReplicas,
      "cleanup.policy": "delete",
      // Producers compress (Fluent Bit lz4); the broker keeps their batches as they are.
      "compression.type": "producer",
    },
  };
}

/** A container's and its pods' security settings Strimzi applies through the templates. */
const RESTRICTED_CONTAINER = {
  securityContext: {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
  },
};

export interface NodePoolInput {
  pool: (typeof POOLS)[keyof typeof POOLS];
  replicas: number;
  storageGiB: number;
  storageClass: string;
  resources: ResourceRequirements;
}

export function nodePoolSpec(p: NodePoolInput) {
  const poolLabels = { "strimzi.io/cluster": CLUSTER_NAME, "strimzi.io/pool-name": p.pool.name };
  return {
    replicas: p.replicas,
    roles: [...p.pool.roles],
    storage: {
      type: "jbod",
      volumes: [
        {
          id: 0,
          type: "persistent-claim",
          size: `${p.storageGiB}Gi`,
          class: p.storageClass,
          // Deleting the pool (or the cluster) must never delete the logs on its volumes.
          deleteClaim: false,
          kraftMetadata: "shared",
        },
      ],
    },
    // Kafka and its rack init container both run with these (Strimzi uses the pool's resources for both).
    resources: p.resources,
    template: {
      pod: {
        // One per zone first: losing a zone loses one replica of each partition, not two.
        topologySpreadConstraints: [
          {
            maxSkew: 1,
            topologyKey: ZONE_LABEL,
            whenUnsatisfiable: "DoNotSchedule",
            labelSelector: { matchLabels: poolLabels },
          },
          {
            maxSkew: 1,
            topologyKey: "kubernetes.io/hostname",
            whenUnsatisfiable: "ScheduleAnyway",
            labelSelector: { matchLabels: poolLabels },
          },
        ],
      },
      kafkaContainer: RESTRICTED_CONTAINER,
    },
  };
}

export interface HostListenerInput {
  /** Name the hosts connect to (the internal NLB's DNS name): advertised, and in the certificates. */
  address: string;
  bootstrap: { port: number; nodePort: number };
  brokers: { id: number; port: number; nodePort: number }[];
}

export interface KafkaSpecInput {
  replicationFactor: number;
  minInsyncReplicas: number;
  hosts?: HostListenerInput;
}

export function kafkaSpec(k: KafkaSpecInput) {
  const scram = { type: "scram-sha-512" };
  return {
    kafka: {
      version: KAFKA.version,
      metadataVersion: KAFKA.metadataVersion,
      listeners: [
        {
          name: LISTENERS.internal.name,
          port: LISTENERS.internal.port,
          type: "internal",
          tls: true,
          authentication: scram,
        },
        ...(k.hosts
          ? [
              {
                name: LISTENERS.hosts.name,
                port: LISTENERS.hosts.port,
                type: "nodeport",
                tls: true,
                authentication: scram,
                configuration: {
                  // The NLB sends each port to the node with that broker (its target group's health check).
                  externalTrafficPolicy: "Local",
                  bootstrap: { nodePort: k.hosts.bootstrap.nodePort, alternativeNames: [k.hosts.address] },
                  brokers: k.hosts.brokers.map((b) => ({
                    broker: b.id,
                    nodePort: b.nodePort,
                    advertisedHost: k.hosts!.address,
                    advertisedPort: b.port,
                  })),
                },
              },
            ]
          : []),
      ],
      authorization: { type: "simple" },
      rack: { type: "topology-label", topologyKey: ZONE_LABEL },
      config: {
        "auto.create.topics.enable": false,
        "default.replication.factor": k.replicationFactor,
        "min.insync.replicas": k.minInsyncReplicas,
        "offsets.topic.replication.factor": k.replicationFactor,
        "transaction.state.log.replication.factor": k.replicationFactor,
        "transaction.state.log.min.isr": k.minInsyncReplicas,
        // Consumers read from the replica in their own zone when there is one (no cross-zone traffic).
        "replica.selector.class": "org.apache.kafka.common.replica.RackAwareReplicaSelector",
      },
    },
    // The CA is ours (components/logging/kafka/cluster.ts); Strimzi signs the brokers' certificates with it.
    clusterCa: { generateCertificateAuthority: false },
    entityOperator: {
      topicOperator: { resources: ENTITY_OPERATOR_RESOURCES },
      userOperator: { resources: ENTITY_OPERATOR_RESOURCES },
      template: {
        topicOperatorContainer: RESTRICTED_CONTAINER,
        userOperatorContainer: RESTRICTED_CONTAINER,
      },
    },
  };
}
