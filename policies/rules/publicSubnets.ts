import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { EDGE_ROLE_DEFAULTS, EDGE_ROLE_DESCRIPTION } from "../lib/roles";
import { ofType, referencedBy } from "../lib/stack";
import { hasRole, ownTags } from "../lib/tags";

const SUBNET = "aws:ec2/subnet:Subnet";
/** Properties through which a resource puts network interfaces into subnets. */
const PLACEMENT = [
  "subnetId",
  "subnetIds",
  "subnets",
  "subnetMappings",
  "vpcZoneIdentifiers",
  "vpcConfig",
  "networkInterfaces",
];
/** Resources that configure a subnet rather than run in it. */
const SUBNET_CONFIGURATION = [
  "aws:ec2/routeTableAssociation:RouteTableAssociation",
  "aws:ec2/networkAcl:NetworkAcl",
  "aws:ec2/networkAclAssociation:NetworkAclAssociation",
];

const settings = configurable(
  { ...EDGE_ROLE_DEFAULTS, allowedTypes: ["aws:ec2/natGateway:NatGateway"] },
  {
    ...EDGE_ROLE_DESCRIPTION,
    allowedTypes: "Resource types allowed in public subnets besides the edge load balancer.",
  },
);

/** Public by the network component's tags (`Tier=public`, the ELB discovery tag) or by auto-assigned public IPs. */
export function isPublicSubnet(subnet: PolicyResource): boolean {
  const tags = ownTags(subnet.props);
  return (
    tags.Tier === "public" ||
    tags["kubernetes.io/role/elb"] !== undefined ||
    subnet.props.mapPublicIpOnLaunch === true
  );
}

/**
 * A public subnet routes to the internet gateway, so anything placed there is one security-group
 * mistake from the internet. Only NAT gateways and the edge load balancer belong there.
 */
export const publicSubnets: StackValidationPolicy = {
  name: "public-subnets-edge-only",
  description: "Nothing but NAT gateways and the edge load balancer is placed in public subnets.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const { edgeRoles, allowedTypes } = settings.read(args);
    const publicUrns = new Set(
      ofType(args.resources, SUBNET)
        .filter(isPublicSubnet)
        .map((s) => s.urn),
    );
    for (const resource of args.resources) {
      if (SUBNET_CONFIGURATION.includes(resource.type) || allowedTypes.includes(resource.type)) continue;
      if (hasRole(resource.props, edgeRoles)) continue;
      const inPublic = PLACEMENT.flatMap((p) => referencedBy(resource, p)).filter((s) =>
        publicUrns.has(s.urn),
      );
      if (inPublic.length > 0) {
        const names = [...new Set(inPublic.map((s) => s.name))].join(", ");
        report(
          `Placed in public subnet(s) ${names}; only NAT gateways and the edge load balancer belong there.`,
          resource.urn,
        );
      }
    }
  },
};
