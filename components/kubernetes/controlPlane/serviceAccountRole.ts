import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { managedPolicyArn, serviceAccountTrustPolicy } from "./policies";

export interface ServiceAccountRoleArgs {
  oidcProviderArn: pulumi.Input<string>;
  issuerUrl: pulumi.Input<string>;
  namespace: pulumi.Input<string>;
  serviceAccount: string;
  /** AWS managed policy names (e.g. `service-role/AmazonEBSCSIDriverPolicy`). */
  managedPolicies: readonly string[];
  /** Least-privilege statements of an inline policy (e.g. sns:Publish on one topic). */
  statements?: pulumi.Input<Record<string, unknown>>[];
  partition: pulumi.Input<string>;
}

/**
 * An IAM role only one Kubernetes service account can assume (IRSA), with AWS managed policies
 * and/or an inline policy of the given statements.
 */
export function createServiceAccountRole(
  name: string,
  args: ServiceAccountRoleArgs,
  parent: pulumi.Resource,
): aws.iam.Role {
  const role = new aws.iam.Role(
    name,
    {
      description: pulumi.interpolate`IRSA role of ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: pulumi
        .all([args.oidcProviderArn, args.issuerUrl, args.namespace])
        .apply(([oidcProviderArn, issuerUrl, namespace]) =>
          serviceAccountTrustPolicy({
            oidcProviderArn,
            issuerUrl,
            namespace,
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
  if (args.statements && args.statements.length > 0) {
    new aws.iam.RolePolicy(
      name,
      {
        role: role.id,
        policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: args.statements }),
      },
      { parent },
    );
  }
  return role;
}
