/**
 * The Kafka cluster in KRaft mode: a controller pool and a broker pool spread over the zones, the
 * logs topic and one Kafka user per writer and reader. Every custom resource waits for the CRDs
 * and the operator.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import type { KafkaArgs, KafkaForConsumers, KafkaUserRef } from "../types";
import { KAFKA_SASL_MECHANISM } from "../types";
import { createCa } from "../../common/pki";
import { createOperator } from "./operator";
import {
  bootstrapService,
  CLUSTER_NAME,
  CA_GENERATION,
  clusterCaKeySecret,
  clusterCaSecret,
  GRAYLOG_CONSUMER_GROUP,
  KAFKA_USERS,
  kafkaSpec,
  kafkaTopicSpec,
  kafkaUserSpec,
  LISTENERS,
  nodePoolSpec,
  POOLS,
  type HostListenerInput,
  type KafkaUserRole,
} from "./specs";
import { STRIMZI } from "./versions";

/** Key of the password in the Secrets we create for users whose password we generate. */
export const PASSWORD_KEY = "password";

export interface KafkaCluster {
  consumers: KafkaForConsumers;
  /** In-cluster writers (Fluent Bit): the same bootstrap, the CA secret, their users. */
  users: Record<KafkaUserRole, KafkaUserRef>;
  /** Passwords we generate (hosts, apps); the other users' Strimzi generates. Secrets. */
  passwords: { hosts: pulumi.Output<string>; apps: pulumi.Output<string> };
  /** The cluster CA certificate (PEM, public): what clients outside the cluster verify brokers with. */
  caCertPem: pulumi.Output<string>;
  ready: pulumi.Resource[];
}

export function createKafka(
  name: string,
  args: KafkaArgs & { namespace: pulumi.Input<string>; protect: boolean },
  hosts: pulumi.Input<HostListenerInput> | undefined,
  parent: pulumi.Resource,
): KafkaCluster {
  const operator = createOperator(name, args.namespace, args.protect, parent);
  const crOpts = (extra: pulumi.CustomResourceOptions = {}): pulumi.CustomResourceOptions => ({
    parent,
    dependsOn: [operator.crds, operator.release],
    ...extra,
  });
  const metadata = (resource: string) => ({
    name: resource,
    namespace: args.namespace,
    labels: { "strimzi.io/cluster": CLUSTER_NAME },
  });

  // Our own cluster CA (Strimzi's generateCertificateAuthority: false): the hosts and app teams
  // verify the brokers with it, so its certificate must be known to Pulumi, not only to the cluster.
  const ca = createCa(`${name}-kafka`, parent, { algorithm: "RSA", rsaBits: 4096 });
  const caLabels = { "strimzi.io/kind": "Kafka", "strimzi.io/cluster": CLUSTER_NAME };
  const caSecrets = [
    new k8s.core.v1.Secret(
      `${name}-kafka-cluster-ca-cert`,
      {
        metadata: {
          name: clusterCaSecret(CLUSTER_NAME),
          namespace: args.namespace,
          labels: caLabels,
          annotations: { "strimzi.io/ca-cert-generation": String(CA_GENERATION) },
        },
        type: "Opaque",
        stringData: { "ca.crt": ca.cert.certPem },
      },
      { parent },
    ),
    new k8s.core.v1.Secret(
      `${name}-kafka-cluster-ca`,
      {
        metadata: {
          name: clusterCaKeySecret(CLUSTER_NAME),
          namespace: args.namespace,
          labels: caLabels,
          annotations: { "strimzi.io/ca-key-generation": String(CA_GENERATION) },
        },
        type: "Opaque",
        stringData: { "ca.key": pulumi.secret(ca.key.privateKeyPemPkcs8) },
      },
      { parent },
    ),
  ];

  const pools = (["controllers", "brokers"] as const).map((id) => {
    const pool = POOLS[id];
    const controllers = id === "controllers";
    return new k8s.apiextensions.CustomResource(
      `${name}-kafka-${pool.name}`,
      {
        apiVersion: STRIMZI.apiVersion,
        kind: "KafkaNodePool",
        metadata: {
          ...metadata(pool.name),
          // Fixed id ranges: the per-broker node ports of the hosts' listener name broker ids.
          annotations: { "strimzi.io/next-node-ids": pool.nodeIds },
        },
        spec: nodePoolSpec({
          pool,
          replicas: controllers ? args.controllers : args.brokers,
          storageGiB: controllers ? args.controllerStorageGiB : args.storageGiB,
          storageClass: args.storageClass,
          resources: controllers ? args.controllerResources : args.brokerResources,
        }),
      },
      crOpts({ protect: args.protect }),
    );
  });

  const kafka = new k8s.apiextensions.CustomResource(
    `${name}-kafka`,
    {
      apiVersion: STRIMZI.apiVersion,
      kind: "Kafka",
      metadata: metadata(CLUSTER_NAME),
      spec: pulumi.output(hosts).apply((h) =>
        kafkaSpec({
          replicationFactor: args.topic.replicationFactor,
          minInsyncReplicas: args.topic.minInsyncReplicas,
          hosts: h,
        }),
      ),
    },
    crOpts({ protect: args.protect, dependsOn: [operator.crds, operator.release, ...caSecrets, ...pools] }),
  );

  const topic = new k8s.apiextensions.CustomResource(
    `${name}-kafka-topic`,
    {
      apiVersion: STRIMZI.apiVersion,
      kind: "KafkaTopic",
      metadata: metadata(args.topic.name.toLowerCase().replace(/[^a-z0-9.-]/g, "-")),
      spec: kafkaTopicSpec(args.topic.name, args.topic),
    },
    crOpts({ protect: args.protect, dependsOn: [operator.crds, operator.release, kafka] }),
  );

  // Hosts and apps get passwords we generate: the hosts fetch theirs from Secrets Manager, app
  // teams read theirs from the stack's exports. Strimzi reads each from our Secret.
  const generated = (role: "hosts" | "apps") => {
    const password = new random.RandomPassword(
      `${name}-kafka-${KAFKA_USERS[role].name}`,
      { length: 32, special: false },
      { parent },
    ).result;
    const secret = new k8s.core.v1.Secret(
      `${name}-kafka-${KAFKA_USERS[role].name}-password`,
      {
        metadata: { name: `${KAFKA_USERS[role].name}-password`, namespace: args.namespace },
        type: "Opaque",
        stringData: { [PASSWORD_KEY]: pulumi.secret(password) },
      },
      { parent },
    );
    return { password: pulumi.secret(password), secret };
  };
  const hostsPassword = generated("hosts");
  const appsPassword = generated("apps");

  const users = Object.fromEntries(
    (Object.keys(KAFKA_USERS) as KafkaUserRole[]).map((role) => {
      const u = KAFKA_USERS[role];
      const own = role === "hosts" ? hostsPassword : role === "apps" ? appsPassword : undefined;
      const user = new k8s.apiextensions.CustomResource(
        `${name}-kafka-user-${u.name}`,
        {
          apiVersion: STRIMZI.apiVersion,
          kind: "KafkaUser",
          metadata: metadata(u.name),
          spec: kafkaUserSpec({
            access: u.access,
            topic: args.topic.name,
            passwordSecret: own ? { name: `${u.name}-password`, key: PASSWORD_KEY } : undefined,
          }),
        },
        crOpts({ dependsOn: [operator.crds, operator.release, kafka, ...(own ? [own.secret] : [])] }),
      );
      return [role, { ref: { name: u.name, secretName: u.name }, resource: user }];
    }),
  ) as Record<KafkaUserRole, { ref: KafkaUserRef; resource: k8s.apiextensions.CustomResource }>;

  const ns = pulumi.output(args.namespace);
  const ready = [kafka, topic];
  return {
    consumers: {
      clusterName: CLUSTER_NAME,
      namespace: ns,
      bootstrapServers: ns.apply(
        (n) => `${bootstrapService(CLUSTER_NAME)}.${n}.svc.cluster.local:${LISTENERS.internal.port}`,
      ),
      topic: args.topic.name,
      consumerGroup: GRAYLOG_CONSUMER_GROUP,
      graylogUser: users.graylog.ref,
      clusterCaSecret: clusterCaSecret(CLUSTER_NAME),
      clusterCaKey: "ca.crt",
      saslMechanism: KAFKA_SASL_MECHANISM,
      ready: [...ready, users.graylog.resource],
    },
    users: Object.fromEntries(Object.entries(users).map(([r, u]) => [r, u.ref])) as Record<
      KafkaUserRole,
      KafkaUserRef
    >,
    passwords: { hosts: hostsPassword.password, apps: appsPassword.password },
    caCertPem: ca.cert.certPem,
    ready: [...ready, ...Object.values(users).map((u) => u.resource)],
  };
}
