/**
 * Composition root: validated config in, components in dependency order, the stack contract out.
 * No resource logic lives here.
 */
import { awsProvider } from "./components/common/provider";
import { loadConfig } from "./components/config";
import { Cluster, databaseClientPorts } from "./components/kubernetes";
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
  },
  { providers: { aws } },
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
