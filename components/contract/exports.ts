/**
 * The stack exports contract: what this stack promises to the teams that build on it. Consumers
 * import these types (and `requireStackExports`) and read the outputs through a StackReference;
 * tests hold index.ts's outputs and examples/consumer to exactly this list.
 */
import { COLOURS, type Colour } from "../../model/validators";
import { PLATFORM_NAMESPACES, type PlatformNamespace } from "../kubernetes/baseline/render";
import { SECURITY_ROLES, type SecurityRole } from "../security/securityGroups";

/** Network: the VPC and its subnet tiers, one subnet per AZ in AZ order. */
export interface NetworkExports {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  dataSubnetIds: string[];
  /** Security group per role (loadBalancer, haproxy, etcd, nodes, databases). */
  securityGroupIds: Record<SecurityRole, string>;
}

/** Kubernetes: how to reach and authenticate to the cluster, and where to put workloads. */
export interface KubernetesExports {
  clusterName: string;
  clusterEndpoint: string;
  /** Base64 PEM of the cluster CA. */
  clusterCertificateAuthority: string;
  /** Secret. Authenticates with `aws eks get-token` as the caller's AWS identity (needs an access entry). */
  kubeconfig: string;
  /** For IAM roles for service accounts (federated principal). */
  oidcProviderArn: string;
  /** Issuer URL (https://...), whose host prefixes the `:sub` and `:aud` trust-policy conditions. */
  oidcIssuerUrl: string;
  /** Worker nodes' (and therefore pods') security group, to allow traffic from workloads. */
  nodeSecurityGroupId: string;
  /** Platform namespace names, resolving once each namespace exists. */
  kubernetesNamespaces: Record<PlatformNamespace, string>;
}

/** Routing tier (components/etcd, components/edge): the route store and the public entry point. */
export interface RoutingExports {
  /** `https://<member DNS name>:2379` per etcd member (private zone, mTLS). */
  etcdClientEndpoints: string[];
  /** CA certificate (PEM) that signs the etcd members' certificates: trust it to verify them. */
  etcdCaCertPem: string;
  /**
   * Secrets Manager secret holding the deploy runners' etcd certificate and key (write routes, read
   * agent status): the only etcd credential app teams get. Readable by `etcd.deployRunnerRoleArns`.
   */
  etcdClientSecretArn: string;
  /** S3 bucket with the scheduled etcd snapshots. */
  etcdBackupBucket: string;
  /** Public DNS name of the edge load balancer; point the apps' hostnames at it (CNAME/alias). */
  elbDnsName: string;
  /** Target group of each HAProxy fleet (blue, green) behind the load balancer. */
  edgeTargetGroupArns: Record<Colour, string>;
}

/** Monitoring (components/monitoring): where apps write their own metrics, and Grafana. */
export interface MonitoringExports {
  /** In-cluster InfluxDB URL, HTTPS (InfluxDB 1.x HTTP API: POST /write?db=...&precision=s). */
  metricsWriteUrl: string;
  /** CA certificate (public) of InfluxDB's certificate: the app's client trusts it. */
  metricsCaCertPem: string;
  /** The database apps write to (Grafana reads it as the "InfluxDB (apps)" datasource). */
  metricsAppsDatabase: string;
  /** A user that may only write to that database. */
  metricsAppsWriteUsername: string;
  /** Secret. Its password. */
  metricsAppsWritePassword: string;
  /** Grafana's URL through the HAProxy tier, or the port-forward command that reaches it. */
  grafanaAccess: string;
}

/**
 * Logging (components/logging): apps may write log records to Kafka directly, as GELF JSON on the
 * logs topic (docs/exports.md, "Logging to Kafka from an app"). Empty when logging is disabled.
 */
export interface LoggingExports {
  /** `host:port` of the in-cluster TLS listener's bootstrap (SASL_SSL, SCRAM-SHA-512). */
  logsKafkaBootstrapServers: string;
  /** The logs topic. */
  logsKafkaTopic: string;
  /** A Kafka user that may only write to (and describe) the logs topic. */
  logsKafkaUsername: string;
  /** Secret. Its password. */
  logsKafkaPassword: string;
  /** CA certificate (PEM, public) that signed the brokers' certificates. */
  logsKafkaCaCertPem: string;
}

/**
 * Databases (components/data): where apps connect and which Kubernetes Secret (in the apps
 * namespace) holds their credentials. Empty strings and lists when an engine is disabled.
 */
export interface DatabaseExports {
  /** Route 53 private name of the MySQL primary (apps in Kubernetes use the Service in the Secret). */
  mysqlPrimaryEndpoint: string;
  /** Route 53 private names of the MySQL replicas. */
  mysqlReplicaEndpoints: string[];
  /** Kubernetes Secret in the apps namespace: host, readHost, port, database, username, password, url, ca.crt. */
  mysqlSecretName: string;
  /** CA certificate (PEM) of the MySQL members' certificates. */
  mysqlCaCertPem: string;
  /** `host:27017` of every replica-set member, as in rs.conf(). */
  mongodbHosts: string[];
  mongodbReplicaSetName: string;
  /** Kubernetes Secret in the apps namespace: url, database, username, password, replicaSet, ca.crt. */
  mongodbSecretName: string;
  mongodbCaCertPem: string;
}

export interface StackExports
  extends
    NetworkExports,
    KubernetesExports,
    RoutingExports,
    DatabaseExports,
    MonitoringExports,
    LoggingExports {}

export type ExportKey = keyof StackExports;

type ShapeOf<T> = T extends string ? "string" : T extends readonly string[] ? "string[]" : "record";

type Shape = "string" | "string[]" | "record";

export type ExportSpec<S extends Shape = Shape> = {
  shape: S;
  /** Exported as a Pulumi secret: a StackReference hands it back as a secret output. */
  secret: boolean;
} & (S extends "record" ? { keys: readonly string[] } : { keys?: never });

/**
 * What a table of exports must be for the interface `T`: every key (none optional), each with the
 * shape of its value. Only fresh object literals get excess-key checks, so an unknown key is caught
 * where the table is written (`satisfies`); test/contract/exports.types.ts holds the cases.
 */
export type ExportsContract<T> = { [K in keyof T]-?: ExportSpec<ShapeOf<T[K]>> };

const exported = { secret: false } as const;

/**
 * Every key of StackExports with how it is exported. The mapped type makes a missing or extra key
 * a compile error, so this object is the runtime list of the contract's keys.
 */
export const STACK_EXPORTS = {
  vpcId: { shape: "string", ...exported },
  publicSubnetIds: { shape: "string[]", ...exported },
  privateSubnetIds: { shape: "string[]", ...exported },
  dataSubnetIds: { shape: "string[]", ...exported },
  securityGroupIds: { shape: "record", keys: Object.keys(SECURITY_ROLES), ...exported },
  clusterName: { shape: "string", ...exported },
  clusterEndpoint: { shape: "string", ...exported },
  clusterCertificateAuthority: { shape: "string", ...exported },
  kubeconfig: { shape: "string", ...exported, secret: true },
  oidcProviderArn: { shape: "string", ...exported },
  oidcIssuerUrl: { shape: "string", ...exported },
  nodeSecurityGroupId: { shape: "string", ...exported },
  kubernetesNamespaces: { shape: "record", keys: PLATFORM_NAMESPACES, ...exported },
  etcdClientEndpoints: { shape: "string[]", ...exported },
  etcdCaCertPem: { shape: "string", ...exported },
  etcdClientSecretArn: { shape: "string", ...exported },
  etcdBackupBucket: { shape: "string", ...exported },
  elbDnsName: { shape: "string", ...exported },
  edgeTargetGroupArns: { shape: "record", keys: COLOURS, ...exported },
  mysqlPrimaryEndpoint: { shape: "string", ...exported },
  mysqlReplicaEndpoints: { shape: "string[]", ...exported },
  mysqlSecretName: { shape: "string", ...exported },
  mysqlCaCertPem: { shape: "string", ...exported },
  mongodbHosts: { shape: "string[]", ...exported },
  mongodbReplicaSetName: { shape: "string", ...exported },
  mongodbSecretName: { shape: "string", ...exported },
  mongodbCaCertPem: { shape: "string", ...exported },
  metricsWriteUrl: { shape: "string", ...exported },
  metricsCaCertPem: { shape: "string", ...exported },
  metricsAppsDatabase: { shape: "string", ...exported },
  metricsAppsWriteUsername: { shape: "string", ...exported },
  metricsAppsWritePassword: { shape: "string", ...exported, secret: true },
  grafanaAccess: { shape: "string", ...exported },
  logsKafkaBootstrapServers: { shape: "string", ...exported },
  logsKafkaTopic: { shape: "string", ...exported },
  logsKafkaUsername: { shape: "string", ...exported },
  logsKafkaPassword: { shape: "string", ...exported, secret: true },
  logsKafkaCaCertPem: { shape: "string", ...exported },
} as const satisfies ExportsContract<StackExports>;

export const STACK_EXPORT_KEYS = Object.keys(STACK_EXPORTS) as ExportKey[];
