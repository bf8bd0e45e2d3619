/**
 * Composition root: validated config in, components in dependency order, the stack contract out.
 * No resource logic lives here.
 */
import {
  BlueGreenService,
  MemberRegistrar,
  appArgsFromConfig,
  buildRegistrarBundle,
} from "./components/apps";
import { awsProvider } from "./components/common/provider";
import { loadConfig } from "./components/config";
import { Edge, buildAgentBundle } from "./components/edge";
import { EtcdCluster } from "./components/etcd";
import { Cluster, DEFAULT_STORAGE_CLASS, databaseClientPorts } from "./components/kubernetes";
import { Monitoring, monitoringArgsFromConfig } from "./components/monitoring";
import { Network } from "./components/network";
import { SecurityGroups } from "./components/security";

// Fails with every configuration problem listed before any resource is declared.
const config = loadConfig();

const aws = awsProvider(config.region, config.owner);

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
    appPorts: [...new Set(Object.values(config.apps).map((app) => app.port))].sort((a, b) => a - b),
    owner: config.owner,
  },
  { providers: { aws } },
);

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
        ]),
        hostEndpoint: {
          vpcId: network.vpcId,
          subnetIds: network.privateSubnetIds,
          nodeSecurityGroupId: kubernetes.nodeSecurityGroupId,
          nodeGroupAsgNames: kubernetes.nodeGroupAsgNames,
          writers: { haproxy: securityGroups.ids.haproxy, etcd: securityGroups.ids.etcd },
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
  },
  { providers: { aws } },
);

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
    etcd: { endpoints: etcd.clientEndpoints, clientSecretArn: etcd.clientSecretArn },
    metrics: monitoring?.hostMetrics,
    protect,
    owner: config.owner,
  },
  { providers: { aws } },
);

// Apps from `switchyard:apps`: both colours in the apps namespace, each app's Route in etcd. The
// Route runs where `pulumi up` runs, which must reach the etcd members (see docs/blue-green.md).
// In this stack the client certificate comes straight from the etcd component; app teams' stacks
// read it from the Secrets Manager secret instead (etcdConnectionFromSecret).
const etcdClient = {
  endpoints: etcd.clientEndpoints,
  ca: etcd.caCertPem,
  cert: etcd.clientCertPem,
  key: etcd.clientKeyPem,
};
for (const [name, app] of Object.entries(config.apps)) {
  new BlueGreenService(name, appArgsFromConfig(app, kubernetes.namespaces.apps, etcdClient), {
    providers: { kubernetes: kubernetes.provider },
    dependsOn: [edge],
  });
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
    apps: Object.keys(config.apps),
    etcd: etcdClient,
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
export const etcdClientSecretArn = etcd.clientSecretArn;
export const etcdBackupBucket = etcd.backupBucket;
export const elbDnsName = edge.dnsName;
export const edgeTargetGroupArns = edge.targetGroupArns;
// Monitoring: see components/contract/exports.ts (MonitoringExports) and docs/exports.md.
export const metricsWriteUrl = monitoring?.influxUrl;
export const metricsAppsDatabase = monitoring?.appsDatabase;
export const metricsAppsWriteUsername = monitoring?.appsWriteUsername;
export const metricsAppsWritePassword = monitoring?.appsWritePassword;
export const grafanaAccess = monitoring?.grafanaAccess;
