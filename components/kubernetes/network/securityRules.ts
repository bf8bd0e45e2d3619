import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { PeerGroup, PlannedRule, RuleGroup } from "./rules";

/** Creates each planned rule as its own resource, so adding one never rewrites the others. */
export function createSecurityRules(
  name: string,
  rules: PlannedRule[],
  groupIds: Record<PeerGroup, pulumi.Input<string>>,
  parent: pulumi.Resource,
): (aws.vpc.SecurityGroupIngressRule | aws.vpc.SecurityGroupEgressRule)[] {
  return rules.map((rule) => {
    const args = {
      securityGroupId: groupIds[rule.group satisfies RuleGroup],
      description: rule.description,
      ipProtocol: rule.protocol === "all" ? "-1" : rule.protocol,
      fromPort: rule.fromPort,
      toPort: rule.toPort,
      ...(rule.peer === "anywhere"
        ? { cidrIpv4: "0.0.0.0/0" }
        : typeof rule.peer !== "object"
          ? { referencedSecurityGroupId: groupIds[rule.peer] }
          : "cidr" in rule.peer
            ? { cidrIpv4: rule.peer.cidr }
            : { referencedSecurityGroupId: rule.peer.securityGroupId }),
      tags: { Name: `${name}-${rule.key}` },
    };
    return rule.direction === "ingress"
      ? new aws.vpc.SecurityGroupIngressRule(`${name}-${rule.key}`, args, { parent })
      : new aws.vpc.SecurityGroupEgressRule(`${name}-${rule.key}`, args, { parent });
  });
}
