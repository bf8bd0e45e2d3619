/**
 * Composition root: validated config in, components in dependency order, the stack contract out.
 * No resource logic lives here.
 */
import {
  BlueGreenService,
  MemberRegistrar,
  PlatformRoute,
  appArgsFromConfig,
  buildRegistrarBundle,
  registrarNamespaces,
} from "./components/apps";
import type * as pulumi from "@pulumi/pulumi";
import { awsProvider } from "./components/common/provider";
import { appHostNames, loadConfig } from "./components/config";
import { DatabaseNetwork, MongoReplicaSet, MysqlCluster } from "./components/data";
import { Edge, buildAgentBundle } from "./components/edge";
import { EtcdCluster } from "./components/etcd";
import { Cluster, DEFAULT_STORAGE_CLASS, databaseClientPorts } from "./components/kubernetes";
import {
  GRAYLOG_MONGODB_USER,
  Logging,
  buildConfiguratorBundle,
  graylogRoutedPorts,
  graylogSettingsFromConfig,
  loggingArgsFromConfig,
} from "./components/logging";
import { Monitoring, monitoringArgsFromConfig, monitoringRoutedPorts } from "./components/monitoring";
import { Network, RunnerAccess } from "./components/network";
import { SecurityGroups } from "./components/security";

// Fails with every configuration problem listed before any resource is declared.
const config = loadConfig();

const aws = awsProvider(config.region, config.owner, config.environment);

const network = new Network(
  "switchyard",
  {
    region: config.region,
    cidr: config.network.cidr,
    availabilityZones: config.availabilityZones,
    natGateways: config.network.natGateways,
    dataEgress: config.network.dataEgress,
    flowLogs: config.network.flowLogs,
    interfaceEndpoints: config.network.interfaceEndpoints,
  },
  { providers: { aws } },
);

const securityGroups = new SecurityGroups("switchyard", { vpcId: network.vpcId }, { providers: { aws } });

const kubernetes = new Cluster(
  "switchyard",
  {
    config: config.kubernetes,
    region: config.region,
    availabilityZones: config.availabilityZones,
    vpcId: network.vpcId,
    privateSubnetIds: network.privateSubnetIds,
    securityGroupIds: securityGroups.ids,
    databasePorts: databaseClientPorts(config.databases),
    appPorts: [
      ...new Set([
        ...Object.values(config.apps).map((app) => app.port),
        ...monitoringRoutedPorts(config),
        ...graylogRoutedPorts(config),
      ]),
    ].sort((a, b) => a - b),
    owner: config.owner,
  },
  { providers: { aws } },
);

// Where the internal load balancers for the EC2 hosts' metrics and logs sit: in the private
// subnets, in front of the node groups' NodePorts.
const hostEndpointPlacement = {
  vpcId: network.vpcId,
  subnetIds: network.privateSubnetIds,
  nodeSecurityGroupId: kubernetes.nodeSecurityGroupId,
  nodeGroupAsgNames: kubernetes.nodeGroupAsgNames,
};

// Telegraf -> InfluxDB -> Grafana in the monitoring namespace. The routing tier's hosts write to
// it through an internal load balancer that only their security groups reach (docs/monitoring.md).
// Depends on the cluster for the gp3 storage class.
const monitoring = config.monitoring.enabled
  ? new Monitoring(
      "monitoring",
      {
        ...monitoringArgsFromConfig(config, kubernetes.namespaces.monitoring, DEFAULT_STORAGE_CLASS, [
          "edge",
          "etcd",
          ...(config.databases.mysql.enabled ? (["mysql"] as const) : []),
          ...(config.databases.mongodb.enabled ? (["mongodb"] as const) : []),
        ]),
        // Grafana's SNS contact point publishes through an IRSA role of its service account.
        serviceAccountRoles: {
          oidcProviderArn: kubernetes.oidcProviderArn,
          issuerUrl: kubernetes.oidcIssuerUrl,
        },
        hostEndpoint: {
          ...hostEndpointPlacement,
          writers: {
            haproxy: securityGroups.ids.haproxy,
            etcd: securityGroups.ids.etcd,
            ...(config.databases.mysql.enabled || config.databases.mongodb.enabled
              ? { databases: securityGroups.ids.databases }
              : {}),
          },
        },
      },
      { providers: { kubernetes: kubernetes.provider, aws }, dependsOn: [kubernetes] },
    )
  : undefined;

// Fluent Bit -> Kafka (Strimzi, KRaft) -> Graylog in the logging namespace (docs/logging.md). The
// EC2 hosts ship their journals through an internal load balancer only their groups reach.
const logging = config.logging.enabled
  ? new Logging(
      "logging",
      {
        ...loggingArgsFromConfig(config, kubernetes.namespaces.logging, DEFAULT_STORAGE_CLASS),
        hostEndpoint: {
          ...hostEndpointPlacement,
          writers: {
            haproxy: securityGroups.ids.haproxy,
            etcd: securityGroups.ids.etcd,
            databases: securityGroups.ids.databases,
          },
        },
      },
      { providers: { kubernetes: kubernetes.provider, aws }, dependsOn: [kubernetes] },
    )
  : undefined;

// Production keeps stateful and shared resources from being deleted or replaced by accident.
const protect = config.environment === "production";

const etcd = new EtcdCluster(
  "etcd",
  {
    config: config.etcd,
    vpcId: network.vpcId,
    availabilityZones: config.availabilityZones,
    subnets: network.subnets.data,
    securityGroupIds: securityGroups.ids,
    // Data volumes are protected in every stack: losing etcd's data must take a deliberate
    // `pulumi state unprotect`, and policies under the CLI see `protect`, not `retainOnDelete`.
    protectData: true,
    metrics: monitoring?.hostMetrics,
    logs: logging?.hostLogs,
  },
  { providers: { aws } },
);

// Database hosts in the data subnets; apps reach them through Services and Secrets in the apps
// namespace. Their volumes are protected in every stack, like etcd's (docs/databases.md).
const databases = config.databases;
new DatabaseNetwork(
  "databases",
  {
    engines: { mysql: databases.mysql.enabled, mongodb: databases.mongodb.enabled },
    securityGroupIds: { databases: securityGroups.ids.databases, nodes: securityGroups.ids.nodes },
  },
  { providers: { aws } },
);
const dataArgs = {
  snapshotRetentionDays: databases.snapshotRetentionDays,
  vpcId: network.vpcId,
  availabilityZones: config.availabilityZones,
  subnets: network.subnets.data,
  securityGroupId: securityGroups.ids.databases,
  appsNamespace: kubernetes.namespaces.apps,
  protectData: true,
  logs: logging?.hostLogs,
};
const mysql = databases.mysql.enabled
  ? new MysqlCluster(
      "mysql",
      { ...dataArgs, config: databases.mysql, metrics: monitoring?.hostMetrics },
      { providers: { aws, kubernetes: kubernetes.provider } },
    )
  : undefined;
const mongodb = databases.mongodb.enabled
  ? new MongoReplicaSet(
      "mongodb",
      {
        ...dataArgs,
        config: databases.mongodb,
        metrics: monitoring?.hostMetrics,
        // Graylog keeps its state in a database of its own on the replica set.
        serviceUsers: config.logging.enabled ? [GRAYLOG_MONGODB_USER] : [],
      },
      { providers: { aws, kubernetes: kubernetes.provider } },
    )
  : undefined;

// Deploy runners in another VPC (docs/production.md, step 5): the private zones resolve there and
// the runners' ranges route back over their peering or Transit Gateway.
if (config.network.deployRunners)
  new RunnerAccess(
    "deploy-runners",
    {
      runners: config.network.deployRunners,
      region: config.region,
      vpcId: network.vpcId,
      privateSubnetIds: network.privateSubnetIds,
      routeTables: network.routeTables,
      privateZones: {
        etcd: etcd.zoneId,
        ...(mysql && { mysql: mysql.zoneId }),
        ...(mongodb && { mongodb: mongodb.zoneId }),
      },
    },
    { providers: { aws } },
  );

// Graylog reads the logs topic; its state is on the replica set (the config requires MongoDB
// with logging, so both exist together).
const graylogDatabase = mongodb?.serviceCredentials[GRAYLOG_MONGODB_USER];
const graylog =
  logging && mongodb && graylogDatabase
    ? logging.addGraylog(
        graylogSettingsFromConfig(
          config,
          DEFAULT_STORAGE_CLASS,
          { uri: graylogDatabase.uri, caCertPem: mongodb.caCertPem },
          buildConfiguratorBundle(__dirname),
        ),
      )
    : undefined;

const edge = new Edge(
  "edge",
  {
    config: config.edge,
    region: config.region,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    securityGroupIds: securityGroups.ids,
    agentBundle: buildAgentBundle(__dirname),
    etcd: {
      endpoints: etcd.clientEndpoints,
      agentSecretArns: {
        blue: etcd.agentCredentials.blue.secretArn,
        green: etcd.agentCredentials.green.secretArn,
      },
    },
    metrics: monitoring?.hostMetrics,
    logs: logging?.hostLogs,
    protect,
    owner: config.owner,
    appHosts: Object.values(config.apps).flatMap(appHostNames),
  },
  { providers: { aws } },
);

// Each fleet's instance role is the only reader of its agents' etcd secret.
etcd.restrictAgentSecrets({ agents: edge.fleetRoleArns });

// Each etcd identity's certificate straight from the etcd component (docs/etcd.md, "Identities").
const etcdClientOf = (c: { certPem: pulumi.Output<string>; keyPem: pulumi.Output<string> }) => ({
  endpoints: etcd.clientEndpoints,
  ca: etcd.caCertPem,
  cert: c.certPem,
  key: c.keyPem,
});

// Apps from `switchyard:apps`: both colours in the apps namespace, each app's Route in etcd. The
// Route runs where `pulumi up` runs, which must reach the etcd members (see docs/blue-green.md).
// It writes as the deploy runner; app teams' stacks read the same identity's certificate from
// the Secrets Manager secret instead (etcdConnectionFromSecret).
for (const [name, app] of Object.entries(config.apps)) {
  new BlueGreenService(
    name,
    appArgsFromConfig(app, kubernetes.namespaces.apps, etcdClientOf(etcd.deployerCredential)),
    {
      providers: { kubernetes: kubernetes.provider },
      dependsOn: [edge],
    },
  );
}

// Platform services under their own host through the same HAProxy tier (no second public load
// balancer): single-colour routes whose members the registrar writes from their namespaces.
const platformServices = [monitoring?.grafanaService, graylog?.service].filter((s) => s !== undefined);
for (const service of platformServices) {
  new PlatformRoute(
    service.app,
    { service, etcd: etcdClientOf(etcd.deployerCredential) },
    {
      providers: { kubernetes: kubernetes.provider },
      dependsOn: [edge, ...(monitoring ? [monitoring] : []), ...(graylog ? [graylog] : [])],
    },
  );
}

// The writer of the apps' member records (pod IP + container port) that the agents serve from.
// Declared whenever the cluster is: it discovers the apps from their labelled Services, including
// apps that app teams declare in their own stacks. This stack's apps are pinned (`--apps`), so
// their stale members are cleaned up even before their Services are seen.
new MemberRegistrar(
  "switchyard-registrar",
  {
    namespace: kubernetes.namespaces.platform,
    appsNamespace: kubernetes.namespaces.apps,
    platformNamespaces: registrarNamespaces(platformServices),
    apps: Object.keys(config.apps),
    etcd: etcdClientOf(etcd.registrarCredential),
    bundle: buildRegistrarBundle(__dirname),
  },
  { providers: { kubernetes: kubernetes.provider }, dependsOn: [etcd] },
);

export const vpcId = network.vpcId;
export const publicSubnetIds = network.publicSubnetIds;
export const privateSubnetIds = network.privateSubnetIds;
export const dataSubnetIds = network.dataSubnetIds;
export const securityGroupIds = securityGroups.ids;
// Kubernetes exports: see components/contract/exports.ts (KubernetesExports) and docs/exports.md.
export const clusterName = kubernetes.clusterName;
export const clusterEndpoint = kubernetes.endpoint;
export const clusterCertificateAuthority = kubernetes.certificateAuthority;
export const kubeconfig = kubernetes.kubeconfig;
export const oidcProviderArn = kubernetes.oidcProviderArn;
export const oidcIssuerUrl = kubernetes.oidcIssuerUrl;
export const nodeSecurityGroupId = kubernetes.nodeSecurityGroupId;
export const kubernetesNamespaces = kubernetes.namespaces;
// Routing tier: see components/contract/exports.ts (RoutingExports), docs/etcd.md and docs/edge.md.
export const etcdClientEndpoints = etcd.clientEndpoints;
export const etcdCaCertPem = etcd.caCertPem;
export const etcdClientSecretArn = etcd.deployerCredential.secretArn;
export const etcdBackupBucket = etcd.backupBucket;
export const elbDnsName = edge.dnsName;
export const edgeTargetGroupArns = edge.targetGroupArns;
// Databases: see components/contract/exports.ts (DatabaseExports) and docs/databases.md.
export const mysqlPrimaryEndpoint = mysql?.primaryEndpoint ?? "";
export const mysqlReplicaEndpoints = mysql?.replicaEndpoints ?? [];
export const mysqlSecretName = mysql?.secretName ?? "";
export const mysqlCaCertPem = mysql?.caCertPem ?? "";
export const mongodbHosts = mongodb?.hosts ?? [];
export const mongodbReplicaSetName = mongodb?.replicaSetName ?? "";
export const mongodbSecretName = mongodb?.secretName ?? "";
export const mongodbCaCertPem = mongodb?.caCertPem ?? "";
// Monitoring: see components/contract/exports.ts (MonitoringExports) and docs/exports.md.
export const metricsWriteUrl = monitoring?.influxUrl;
export const metricsCaCertPem = monitoring?.influxCaCertPem;
export const metricsAppsDatabase = monitoring?.appsDatabase;
export const metricsAppsWriteUsername = monitoring?.appsWriteUsername;
export const metricsAppsWritePassword = monitoring?.appsWritePassword;
export const grafanaAccess = monitoring?.grafanaAccess;
// Logging: see components/contract/exports.ts (LoggingExports) and docs/exports.md.
export const logsKafkaBootstrapServers = logging?.bootstrapServers ?? "";
export const logsKafkaTopic = logging?.topic ?? "";
export const logsKafkaUsername = logging?.appsUsername ?? "";
export const logsKafkaPassword = logging?.appsPassword ?? "";
export const logsKafkaCaCertPem = logging?.caCertPem ?? "";
