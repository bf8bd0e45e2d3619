/**
 * A team's own stack on top of a Switchyard platform stack. It reads every export of the platform
 * through a StackReference, typed by the contract in components/contract, and uses each one:
 * a Kubernetes provider from the kubeconfig, an IRSA role trusting the cluster's OIDC provider
 * that may read the etcd client credentials, a database security group in the platform VPC, and
 * the app's connection settings in a ConfigMap in the platform's `apps` namespace.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { requireStackExports } from "@switchyard/contract";

const platformStack = new pulumi.Config().get("platformStack") ?? "organization/switchyard/prod";
const platform = requireStackExports(new pulumi.StackReference("platform", { name: platformStack }));

// Kubernetes: the kubeconfig stays a secret; every Kubernetes resource of this stack goes through it.
const cluster = new k8s.Provider("platform", { kubeconfig: platform.kubeconfig });
const namespace = platform.kubernetesNamespaces.apply((ns) => ns.apps);

// The app's pods get AWS access through their service account, never through the node role.
const serviceAccount = "reports";
const role = new aws.iam.Role("reports", {
  assumeRolePolicy: pulumi
    .all([platform.oidcProviderArn, platform.oidcIssuerUrl, namespace])
    .apply(([federated, issuerUrl, ns]) => {
      const issuer = issuerUrl.replace(/^https:\/\//, "");
      return JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: federated },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: {
              StringEquals: {
                [`${issuer}:sub`]: `system:serviceaccount:${ns}:${serviceAccount}`,
                [`${issuer}:aud`]: "sts.amazonaws.com",
              },
            },
          },
        ],
      });
    }),
});
// The app watches its routes in etcd: it may read the client certificate, and nothing else.
new aws.iam.RolePolicy("reports-etcd-client", {
  role: role.id,
  policy: platform.etcdClientSecretArn.apply((arn) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: arn }],
    }),
  ),
});
new k8s.core.v1.ServiceAccount(
  serviceAccount,
  { metadata: { name: serviceAccount, namespace, annotations: { "eks.amazonaws.com/role-arn": role.arn } } },
  { provider: cluster },
);

// A reporting database of the team's own, in the platform's data subnets, reachable from the pods:
// its group admits the nodes on 5432, and the platform stack opens the nodes' side with
// `kubernetes.nodeEgress` (e.g. `reports-db: { securityGroupId: <this group's id>, port: 5432 }`),
// since node egress is closed but for HTTPS, etcd and the platform's own databases.
const dbClients = new aws.ec2.SecurityGroup("reports-db", {
  vpcId: platform.vpcId,
  description: "Reports database: PostgreSQL from the platform's Kubernetes nodes",
  ingress: [
    { protocol: "tcp", fromPort: 5432, toPort: 5432, securityGroups: [platform.nodeSecurityGroupId] },
  ],
});
new aws.rds.SubnetGroup("reports-db", { subnetIds: platform.dataSubnetIds });

// What the app needs to reach its neighbours, as plain settings in its namespace.
new k8s.core.v1.ConfigMap(
  "reports-platform",
  {
    metadata: { name: "reports-platform", namespace },
    data: {
      ETCD_ENDPOINTS: platform.etcdClientEndpoints.apply((endpoints) => endpoints.join(",")),
      ETCD_CA_PEM: platform.etcdCaCertPem,
      PUBLIC_HOSTNAME_TARGET: platform.elbDnsName,
      CLUSTER_NAME: platform.clusterName,
      DB_SECURITY_GROUP: dbClients.id,
      // The app writes its own metrics (InfluxDB line protocol) to the platform's apps database.
      METRICS_WRITE_URL: platform.metricsWriteUrl,
      METRICS_DATABASE: platform.metricsAppsDatabase,
      METRICS_USERNAME: platform.metricsAppsWriteUsername,
      // The write URL is HTTPS: the client trusts this CA (public) and nothing else.
      "metrics-ca.crt": platform.metricsCaCertPem,
      // Records the app produces itself (GELF JSON) go to the platform's logs topic, write-only.
      LOGS_KAFKA_BOOTSTRAP: platform.logsKafkaBootstrapServers,
      LOGS_KAFKA_TOPIC: platform.logsKafkaTopic,
      LOGS_KAFKA_USERNAME: platform.logsKafkaUsername,
      "logs-kafka-ca.crt": platform.logsKafkaCaCertPem,
    },
  },
  { provider: cluster },
);
// The write-only password stays a secret: a Secret in the app's namespace, not the ConfigMap.
new k8s.core.v1.Secret(
  "reports-metrics",
  {
    metadata: { name: "reports-metrics", namespace },
    type: "Opaque",
    stringData: {
      METRICS_PASSWORD: platform.metricsAppsWritePassword,
      LOGS_KAFKA_PASSWORD: platform.logsKafkaPassword,
    },
  },
  { provider: cluster },
);

// Outputs for the team's CI: how to reach the cluster from a runner (never the kubeconfig itself).
export const clusterAccess = {
  name: platform.clusterName,
  endpoint: platform.clusterEndpoint,
  certificateAuthority: platform.clusterCertificateAuthority,
};
export const network = {
  publicSubnetIds: platform.publicSubnetIds,
  privateSubnetIds: platform.privateSubnetIds,
  haproxySecurityGroupId: platform.securityGroupIds.apply((ids) => ids.haproxy),
};
export const operations = {
  etcdBackupBucket: platform.etcdBackupBucket,
  edgeTargetGroupArns: platform.edgeTargetGroupArns,
  grafana: platform.grafanaAccess,
};
// Where the team's apps find their databases: the Secrets live in the apps namespace.
export const databases = {
  mysql: {
    primary: platform.mysqlPrimaryEndpoint,
    replicas: platform.mysqlReplicaEndpoints,
    secret: platform.mysqlSecretName,
    caCertPem: platform.mysqlCaCertPem,
  },
  mongodb: {
    hosts: platform.mongodbHosts,
    replicaSet: platform.mongodbReplicaSetName,
    secret: platform.mongodbSecretName,
    caCertPem: platform.mongodbCaCertPem,
  },
};
export const reportsRoleArn = role.arn;
