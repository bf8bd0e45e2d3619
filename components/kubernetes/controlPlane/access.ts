/** Pure naming for access entries, so a role's entry keeps its resource name when others are added. */

export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export function clusterAccessPolicyArn(partition: string, policy: string): string {
  return `arn:${partition}:eks::aws:cluster-access-policy/${policy}`;
}

/**
 * The resource name of an admin role's access entry: the role's path and name from its ARN, so the
 * order of `adminRoleArns` does not matter and reordering replaces nothing.
 */
export function adminAccessName(prefix: string, roleArn: string): string {
  const resource = roleArn.split(":").slice(5).join(":");
  const slug = resource
    .replace(/^role\//, "")
    .replace(/[^A-Za-z0-9-]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${prefix}-admin-${slug}`;
}
