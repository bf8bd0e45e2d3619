/**
 * Security-group rules as data, then as separate rule resources. Each component declares the
 * traffic its own group receives (and sends), naming peers by group id, so groups stay free of
 * inline rules and of dependency cycles. Names come from the rule's purpose, not its position.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export type Peer = { securityGroupId: pulumi.Input<string> } | { cidr: string };

export interface RuleSpec {
  /** Stable, unique within the group: becomes part of the resource name. */
  key: string;
  direction: "ingress" | "egress";
  port: number;
  toPort?: number;
  peer: Peer;
  description: string;
}

export function cidrKey(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

export function createRules(
  name: string,
  securityGroupId: pulumi.Input<string>,
  rules: RuleSpec[],
  parent: pulumi.Resource,
): void {
  for (const rule of rules) {
    const args = {
      securityGroupId,
      ipProtocol: "tcp",
      fromPort: rule.port,
      toPort: rule.toPort ?? rule.port,
      description: rule.description,
      ...("cidr" in rule.peer
        ? { cidrIpv4: rule.peer.cidr }
        : { referencedSecurityGroupId: rule.peer.securityGroupId }),
    };
    const resourceName = `${name}-${rule.direction}-${rule.key}`;
    if (rule.direction === "ingress") new aws.vpc.SecurityGroupIngressRule(resourceName, args, { parent });
    else new aws.vpc.SecurityGroupEgressRule(resourceName, args, { parent });
  }
}
