/** IAM policy documents the cluster's roles use, rendered as JSON text by pure functions. */

/** AWS managed policies, by name; the partition is filled in by `managedPolicyArn`. */
export const MANAGED_POLICIES = {
  cluster: ["AmazonEKSClusterPolicy"],
  // No AmazonEKS_CNI_Policy here: the VPC CNI gets it through its own service-account role, so
  // ordinary pods on the node cannot borrow it.
  node: ["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryPullOnly", "AmazonSSMManagedInstanceCore"],
  vpcCni: ["AmazonEKS_CNI_Policy"],
  ebsCsi: ["service-role/AmazonEBSCSIDriverPolicy"],
} as const;

export function managedPolicyArn(partition: string, name: string): string {
  return `arn:${partition}:iam::aws:policy/${name}`;
}

/**
 * IAM roles for service accounts: only the one Kubernetes service account, through the cluster's
 * OIDC provider and with the STS audience, may assume the role.
 */
export function serviceAccountTrustPolicy(args: {
  oidcProviderArn: string;
  issuerUrl: string;
  namespace: string;
  serviceAccount: string;
}): string {
  const issuer = args.issuerUrl.replace(/^https:\/\//, "");
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: args.oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            [`${issuer}:sub`]: `system:serviceaccount:${args.namespace}:${args.serviceAccount}`,
            [`${issuer}:aud`]: "sts.amazonaws.com",
          },
        },
      },
    ],
  });
}

/** What the control plane needs on the envelope key to encrypt Kubernetes secrets. */
export function secretsKeyUsePolicy(keyArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:Decrypt", "kms:ListGrants", "kms:DescribeKey"],
        Resource: keyArn,
      },
    ],
  });
}
