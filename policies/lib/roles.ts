/**
 * Settings shared by the rules that must recognise the edge load balancer, so pack config that
 * renames its role changes them together.
 */
export const EDGE_ROLE_DEFAULTS = { edgeRoles: ["loadBalancer"] };
export const EDGE_ROLE_DESCRIPTION = {
  edgeRoles:
    "Values of the Role tag that mark the internet-facing edge load balancer and its security group.",
};
