import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** The roles that talk to each other; each gets one security group. */
export const SECURITY_ROLES = {
  loadBalancer: "Edge load balancer: internet on 80/443 to the HAProxy fleets",
  haproxy: "HAProxy fleets: traffic from the edge load balancer, out to Kubernetes nodes and etcd",
  etcd: "etcd members: clients on 2379 from HAProxy, nodes and deploy runners; peers on 2380",
  nodes: "Kubernetes worker nodes: pods reachable from HAProxy only",
  databases: "Database hosts: reachable from Kubernetes nodes on their service ports",
} as const;

export type SecurityRole = keyof typeof SECURITY_ROLES;

export interface SecurityGroupsArgs {
  vpcId: pulumi.Input<string>;
}

/**
 * Creates every role's security group up front, empty. Each component then adds the rules for
 * the traffic it receives as separate rule resources, so peers can reference each other's group
 * without a dependency cycle and a rule change never replaces a group.
 */
export class SecurityGroups extends pulumi.ComponentResource {
  readonly groups: Record<SecurityRole, aws.ec2.SecurityGroup>;
  readonly ids: Record<SecurityRole, pulumi.Output<string>>;

  constructor(name: string, args: SecurityGroupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:security:SecurityGroups", name, {}, opts);
    const entries = (Object.keys(SECURITY_ROLES) as SecurityRole[]).map((role) => {
      const sg = new aws.ec2.SecurityGroup(
        `${name}-${role}`,
        {
          vpcId: args.vpcId,
          description: SECURITY_ROLES[role],
          // Inline rules would fight the separate rule resources the components add.
          ingress: [],
          egress: [],
          tags: { Name: `${name}-${role}`, Role: role },
          revokeRulesOnDelete: true,
        },
        { parent: this },
      );
      return [role, sg] as const;
    });
    this.groups = Object.fromEntries(entries) as Record<SecurityRole, aws.ec2.SecurityGroup>;
    this.ids = Object.fromEntries(entries.map(([role, sg]) => [role, sg.id])) as Record<
      SecurityRole,
      pulumi.Output<string>
    >;
    this.registerOutputs({ ids: this.ids });
  }
}
