import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./trustPolicy";

export interface InstanceRoleArgs {
  /** Extra least-privilege statements for what the host itself needs. */
  statements: pulumi.Input<Record<string, unknown>>[];
}

/**
 * An EC2 role and instance profile with SSM Session Manager (no SSH, no bastion) plus exactly
 * the statements given. Used for etcd members and HAProxy fleets alike.
 */
export function createInstanceRole(
  name: string,
  args: InstanceRoleArgs,
  parent: pulumi.Resource,
): { profile: aws.iam.InstanceProfile; role: aws.iam.Role } {
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com"),
      managedPolicyArns: ["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"],
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    name,
    { role: role.id, policy: pulumi.jsonStringify({ Version: "2012-10-17", Statement: args.statements }) },
    { parent },
  );
  return { profile: new aws.iam.InstanceProfile(name, { role: role.name }, { parent }), role };
}
