import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, serviceAccountTrustPolicy } from "./policies";

export interface ServiceAccountRoleArgs {
  oidcProviderArn: pulumi.Input<string>;
  issuerUrl: pulumi.Input<string>;
  namespace: string;
  serviceAccount: string;
  /** AWS managed policy names (e.g. `service-role/AmazonEBSCSIDriverPolicy`). */
  managedPolicies: readonly string[];
  partition: pulumi.Input<string>;
}

/** An IAM role only one Kubernetes service account can assume (IRSA), with AWS managed policies. */
export function createServiceAccountRole(
  name: string,
  args: ServiceAccountRoleArgs,
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      description: `IRSA role of ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: pulumi
        .all([args.oidcProviderArn, args.issuerUrl])
        .apply(([oidcProviderArn, issuerUrl]) =>
          serviceAccountTrustPolicy({
            oidcProviderArn,
            issuerUrl,
            namespace: args.namespace,
            serviceAccount: args.serviceAccount,
          }),
        ),
    },
    { parent },
  );
  for (const policy of args.managedPolicies) {
    new aws.iam.RolePolicyAttachment(
      `${name}-${policy.split("/").pop()}`,
      { role: role.name, policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, policy)) },
      { parent },
    );
  }
  return role;
}
