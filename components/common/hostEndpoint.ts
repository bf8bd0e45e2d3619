/**
 * How the EC2 hosts (HAProxy, etcd, databases) reach a service inside the cluster: an internal
 * Network Load Balancer in the private subnets, forwarding each listener port to a fixed NodePort
 * on the node groups' instances. Its own security group admits exactly the writer roles on those
 * ports and may only reach the nodes on the node ports; the nodes admit only it there. Not through
 * the HAProxy tier: that tier is internet-facing, and the hosts' writes are not routes. Used by
 * monitoring (hosts' Telegraf → InfluxDB) and logging (hosts' Fluent Bit → Kafka).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createRules, type RuleSpec } from "./sgRules";

/** Where the endpoint lives and who may use it (the caller's wiring). */
export interface HostEndpointPlacement {
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  nodeSecurityGroupId: pulumi.Input<string>;
  nodeGroupAsgNames: pulumi.Input<string[]>;
  /** Security groups of the hosts that write, by role. */
  writers: Record<string, pulumi.Input<string>>;
}

/** One listener of the load balancer and the node port it forwards to. */
export interface EndpointPort {
  /** Names the port's target group, listener and attachments (`<prefix>-<id>`). */
  id: string;
  port: number;
  nodePort: number;
  healthCheck: aws.types.input.lb.TargetGroupHealthCheck;
}

/** Names and descriptions, fixed per use so existing resources keep theirs. */
export interface EndpointNaming {
  /** Prefix of the target groups, listeners, attachments and the nodes'/writers' rule groups. */
  prefix: string;
  /** The load balancer's name; its security group is `<lb>-lb`. */
  lb: string;
  lbDescription: string;
  keys: { nodes: string; writers: string };
  describe: { fromWriter: (role: string) => string; toNodes: string; nodes: string; writers: string };
}

const span = (ports: number[]) => {
  const [low, high] = [Math.min(...ports), Math.max(...ports)];
  return high === low ? { port: low } : { port: low, toPort: high };
};

/** The load balancer's rules, the nodes' rule for it and each writer's, as data (tested directly). */
export function hostEndpointRules(
  naming: Pick<EndpointNaming, "keys" | "describe">,
  ports: Pick<EndpointPort, "port" | "nodePort">[],
  writers: Record<string, pulumi.Input<string>>,
  nodes: pulumi.Input<string>,
  lb: pulumi.Input<string>,
): { lb: RuleSpec[]; nodes: RuleSpec[]; writers: Record<string, RuleSpec[]> } {
  const listeners = span(ports.map((p) => p.port));
  const nodePorts = span(ports.map((p) => p.nodePort));
  return {
    lb: [
      ...Object.entries(writers).map(([role, sg]) => ({
        key: `from-${role}`,
        direction: "ingress" as const,
        ...listeners,
        peer: { securityGroupId: sg },
        description: naming.describe.fromWriter(role),
      })),
      {
        key: "to-nodes",
        direction: "egress",
        ...nodePorts,
        peer: { securityGroupId: nodes },
        description: naming.describe.toNodes,
      },
    ],
    nodes: [
      {
        key: naming.keys.nodes,
        direction: "ingress",
        ...nodePorts,
        peer: { securityGroupId: lb },
        description: naming.describe.nodes,
      },
    ],
    writers: Object.fromEntries(
      Object.keys(writers).map((role) => [
        role,
        [
          {
            key: naming.keys.writers,
            direction: "egress" as const,
            ...listeners,
            peer: { securityGroupId: lb },
            description: naming.describe.writers,
          },
        ],
      ]),
    ),
  };
}

/** Builds the endpoint; returns the load balancer's DNS name. */
export function createHostEndpoint(
  naming: EndpointNaming,
  ports: EndpointPort[],
  args: HostEndpointPlacement,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  const sg = new aws.ec2.SecurityGroup(
    `${naming.lb}-lb`,
    { vpcId: args.vpcId, description: naming.lbDescription },
    { parent },
  );
  const rules = hostEndpointRules(naming, ports, args.writers, args.nodeSecurityGroupId, sg.id);
  createRules(`${naming.lb}-lb`, sg.id, rules.lb, parent);
  createRules(`${naming.prefix}-nodes`, args.nodeSecurityGroupId, rules.nodes, parent);
  for (const [role, sgId] of Object.entries(args.writers))
    createRules(`${naming.prefix}-${role}`, sgId, rules.writers[role], parent);
  const lb = new aws.lb.LoadBalancer(
    naming.lb,
    {
      internal: true,
      loadBalancerType: "network",
      subnets: args.subnetIds,
      securityGroups: [sg.id],
      enableCrossZoneLoadBalancing: true,
    },
    { parent },
  );
  for (const p of ports) {
    const targets = new aws.lb.TargetGroup(
      `${naming.prefix}-${p.id}`,
      {
        vpcId: args.vpcId,
        port: p.nodePort,
        protocol: "TCP",
        targetType: "instance",
        healthCheck: p.healthCheck,
      },
      { parent },
    );
    new aws.lb.Listener(
      `${naming.prefix}-${p.id}`,
      {
        loadBalancerArn: lb.arn,
        port: p.port,
        protocol: "TCP",
        defaultActions: [{ type: "forward", targetGroupArn: targets.arn }],
      },
      { parent },
    );
    pulumi
      .output(args.nodeGroupAsgNames)
      .apply((names) =>
        names.forEach(
          (asg) =>
            new aws.autoscaling.Attachment(
              `${naming.prefix}-${p.id}-${asg}`,
              { autoscalingGroupName: asg, lbTargetGroupArn: targets.arn },
              { parent },
            ),
        ),
      );
  }
  return lb.dnsName;
}
