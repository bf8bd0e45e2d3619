import type { StackValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import {
  INGRESS_RULE,
  SECURITY_GROUP,
  SECURITY_GROUP_RULE,
  WORLD,
  ingressOf,
  onlyPorts,
  portsLabel,
} from "../lib/network";
import { EDGE_ROLE_DEFAULTS, EDGE_ROLE_DESCRIPTION } from "../lib/roles";
import { ofType, referencedBy } from "../lib/stack";
import { hasRole } from "../lib/tags";

const settings = configurable(
  { ...EDGE_ROLE_DEFAULTS, edgePorts: [80, 443] },
  { ...EDGE_ROLE_DESCRIPTION, edgePorts: "TCP ports the edge load balancer may open to the internet." },
);

/**
 * Only the edge load balancer faces the internet (internet → ELB → HAProxy → pods), and only on
 * HTTP(S). A stack policy because a separate rule resource names its group by ID: the engine's
 * property dependencies tell which group, and so whether it is the edge's.
 */
export const sgPublicIngress: StackValidationPolicy = {
  name: "sg-public-ingress-edge-only",
  description:
    "No security-group ingress from 0.0.0.0/0 or ::/0, except to the edge load balancer on 80/443.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const { edgeRoles, edgePorts } = settings.read(args);
    for (const resource of ofType(args.resources, SECURITY_GROUP, SECURITY_GROUP_RULE, INGRESS_RULE)) {
      const groups =
        resource.type === SECURITY_GROUP ? [resource] : referencedBy(resource, "securityGroupId");
      const edge = groups.length > 0 && groups.every((g) => hasRole(g.props, edgeRoles));
      for (const ingress of ingressOf(resource.type, resource.props)) {
        const open = ingress.cidrs.filter((c) => WORLD.includes(c));
        if (open.length === 0 || (edge && onlyPorts(ingress, edgePorts))) continue;
        const where = edge
          ? "the edge load balancer beyond its ports"
          : "a security group that is not the edge's";
        report(`${portsLabel(ingress)} is open to ${open.join(", ")} on ${where}.`, resource.urn);
      }
    }
  },
};
