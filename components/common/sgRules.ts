/**
 * Security-group rules as data, then as separate rule resources: the one rule mechanism. Each
 * component declares the traffic its own group receives (and sends), naming peers by group id, so
 * groups stay free of inline rules and of dependency cycles, and adding a rule never rewrites the
 * others. Names come from the rule's purpose, not its position:
 * `<group name>-<ingress|egress>-<key>`.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export type Peer = { securityGroupId: pulumi.Input<string> } | { cidr: string };

/** TCP on one port or a range, or every protocol and port (only between members of one group). */
export type RulePorts = { protocol?: "tcp"; port: number; toPort?: number } | { protocol: "all" };

export type RuleSpec = RulePorts & {
  /** Stable, unique within the group and direction: becomes part of the resource name. */
  key: string;
  direction: "ingress" | "egress";
  peer: Peer;
  description: string;
  /** The resource's name before it followed this naming; kept as an alias so it is not replaced. */
  formerName?: string;
};

export type RuleResource = aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule;

export function cidrKey(cidr: string): string {
  return cidr.replace(/[./]/g, "-");
}

export function ruleName(groupName: string, rule: Pick<RuleSpec, "direction" | "key">): string {
  return `${groupName}-${rule.direction}-${rule.key}`;
}

export function createRules(
  groupName: string,
  securityGroupId: pulumi.Input<string>,
  rules: RuleSpec[],
  parent: pulumi.Resource,
): RuleResource[] {
  return rules.map((rule) => {
    const name = ruleName(groupName, rule);
    const args = {
      securityGroupId,
      description: rule.description,
      ...(rule.protocol === "all"
        ? { ipProtocol: "-1" }
        : { ipProtocol: "tcp", fromPort: rule.port, toPort: rule.toPort ?? rule.port }),
      ...("cidr" in rule.peer
        ? { cidrIpv4: rule.peer.cidr }
        : { referencedSecurityGroupId: rule.peer.securityGroupId }),
      tags: { Name: name },
    };
    const opts = { parent, aliases: rule.formerName ? [{ name: rule.formerName }] : undefined };
    return rule.direction === "ingress"
      ? new aws.vpc.SecurityGroupIngressRule(name, args, opts)
      : new aws.vpc.SecurityGroupEgressRule(name, args, opts);
  });
}
