import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesConfig } from "../../config/areas/kubernetes";
import { adminAccessName, CLUSTER_ADMIN_POLICY, clusterAccessPolicyArn } from "./access";
import { serviceTrustPolicy } from "../../common/trustPolicy";
import { MANAGED_POLICIES, managedPolicyArn, secretsKeyUsePolicy } from "./policies";

/** The control-plane log streams kept: API calls, the audit trail and IAM authentication. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator"] as const;

export interface ControlPlaneArgs {
  clusterName: string;
  config: KubernetesConfig;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<string>[];
  partition: pulumi.Input<string>;
}

export interface ControlPlane {
  cluster: aws.eks.Cluster;
  /** Extra security group on the control plane's network interfaces; its rules are planned in network/. */
  securityGroup: aws.ec2.SecurityGroup;
  oidcProvider: aws.iam.OpenIdConnectProvider;
  issuerUrl: pulumi.Output<string>;
  /** Admin grants; anything that calls the Kubernetes API waits for them. */
  adminAccess: aws.eks.AccessPolicyAssociation[];
}

export function createControlPlane(
  name: string,
  args: ControlPlaneArgs,
  parent: pulumi.Resource,
): ControlPlane {
  const cfg = args.config;
  const role = new aws.iam.Role(
    `${name}-cluster`,
    { assumeRolePolicy: serviceTrustPolicy("eks.amazonaws.com") },
    { parent },
  );
  const attachments = MANAGED_POLICIES.cluster.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-cluster-${policy}`,
        {
          role: role.name,
          policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, policy)),
        },
        { parent },
      ),
  );

  // Envelope encryption of Kubernetes secrets in etcd with a key of our own, rotated yearly by KMS.
  const key = new aws.kms.Key(
    `${name}-secrets`,
    {
      description: `Envelope encryption of Kubernetes secrets in EKS cluster ${args.clusterName}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
    },
    { parent },
  );
  new aws.kms.Alias(
    `${name}-secrets`,
    { name: `alias/${args.clusterName}-secrets`, targetKeyId: key.keyId },
    { parent },
  );
  const keyUse = new aws.iam.RolePolicy(
    `${name}-cluster-secrets-key`,
    { role: role.id, policy: key.arn.apply(secretsKeyUsePolicy) },
    { parent },
  );

  // EKS writes to this exact name; creating it first gives it our retention instead of "never expire".
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-control-plane`,
    { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: cfg.logRetentionDays },
    { parent },
  );

  const securityGroup = new aws.ec2.SecurityGroup(
    `${name}-control-plane`,
    {
      vpcId: args.vpcId,
      description: "EKS control plane: API from the worker nodes; kubelet and webhooks on the nodes",
      ingress: [],
      egress: [],
      tags: { Name: `${name}-control-plane`, Role: "controlPlane" },
      revokeRulesOnDelete: true,
    },
    { parent },
  );

  const cluster = new aws.eks.Cluster(
    name,
    {
      name: args.clusterName,
      version: cfg.version,
      roleArn: role.arn,
      vpcConfig: {
        subnetIds: args.subnetIds,
        securityGroupIds: [securityGroup.id],
        endpointPrivateAccess: true,
        endpointPublicAccess: cfg.endpointPublicAccess,
        publicAccessCidrs: cfg.endpointPublicAccess ? cfg.publicAccessCidrs : undefined,
      },
      kubernetesNetworkConfig: { ipFamily: "ipv4", serviceIpv4Cidr: cfg.serviceCidr },
      // Access is declared here (access entries) and nowhere else: no aws-auth ConfigMap, and the
      // identity that happened to run the first `pulumi up` gets no hidden admin grant.
      accessConfig: { authenticationMode: "API", bootstrapClusterCreatorAdminPermissions: false },
      encryptionConfig: { provider: { keyArn: key.arn }, resources: ["secrets"] },
      enabledClusterLogTypes: [...CONTROL_PLANE_LOG_TYPES],
      // The managed add-ons below install vpc-cni, kube-proxy and coredns; EKS's unmanaged copies
      // would only have to be adopted and overwritten.
      bootstrapSelfManagedAddons: false,
      // Standard support only: a cluster left behind on an old version fails loudly at end of
      // support instead of silently moving to extended-support pricing.
      upgradePolicy: { supportType: "STANDARD" },
      deletionProtection: cfg.deletionProtection,
      tags: { Name: args.clusterName },
    },
    { parent, dependsOn: [logGroup, keyUse, ...attachments] },
  );

  const adminAccess = cfg.adminRoleArns.map((principalArn) => {
    const entryName = adminAccessName(name, principalArn);
    const entry = new aws.eks.AccessEntry(
      entryName,
      { clusterName: cluster.name, principalArn, type: "STANDARD" },
      { parent },
    );
    return new aws.eks.AccessPolicyAssociation(
      entryName,
      {
        clusterName: cluster.name,
        principalArn,
        policyArn: pulumi
          .output(args.partition)
          .apply((p) => clusterAccessPolicyArn(p, CLUSTER_ADMIN_POLICY)),
        accessScope: { type: "cluster" },
      },
      { parent, dependsOn: [entry] },
    );
  });
  if (cfg.adminRoleArns.length === 0) {
    pulumi.log.warn(
      "switchyard:kubernetes.adminRoleArns is empty: no identity can reach the Kubernetes API, so the " +
        "platform baseline cannot be applied. List the deploy role there.",
      parent,
    );
  }

  const issuerUrl = cluster.identities.apply((ids) => ids[0].oidcs![0].issuer!);
  // No thumbprint: IAM trusts the EKS OIDC issuer through its own CA library.
  const oidcProvider = new aws.iam.OpenIdConnectProvider(
    `${name}-oidc`,
    { url: issuerUrl, clientIdLists: ["sts.amazonaws.com"], tags: { Name: `${args.clusterName}-oidc` } },
    { parent },
  );

  return { cluster, securityGroup, oidcProvider, issuerUrl, adminAccess };
}
