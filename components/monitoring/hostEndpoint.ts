/**
 * How the EC2 hosts' Telegrafs reach the in-cluster InfluxDB: an internal Network Load Balancer
 * in the private subnets, forwarding 8086 to a fixed NodePort of InfluxDB's host Service on the
 * node groups' instances. Its own security group admits exactly the writer roles (HAProxy, etcd,
 * databases) on 8086 and may only reach the nodes on that NodePort; the nodes admit only it there.
 * Not through the HAProxy tier: that tier is internet-facing, and metrics writes are not routes.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createRules, type RuleSpec } from "../common/sgRules";
import { INFLUXDB_NODE_PORT, INFLUXDB_PORT } from "./layout";
import { labelsFor } from "./render/specs";

export interface HostEndpointArgs {
  namespace: pulumi.Input<string>;
  vpcId: pulumi.Input<string>;
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  nodeSecurityGroupId: pulumi.Input<string>;
  nodeGroupAsgNames: pulumi.Input<string[]>;
  /** Security groups of the hosts that write metrics, by role. */
  writers: Record<string, pulumi.Input<string>>;
}

/** The load balancer's rules and the nodes' one rule for it, as data (tested directly). */
export function hostEndpointRules(
  writers: Record<string, pulumi.Input<string>>,
  nodes: pulumi.Input<string>,
  lb: pulumi.Input<string>,
): { lb: RuleSpec[]; nodes: RuleSpec[]; writers: Record<string, RuleSpec[]> } {
  return {
    lb: [
      ...Object.entries(writers).map(([role, sg]) => ({
        key: `from-${role}`,
        direction: "ingress" as const,
        port: INFLUXDB_PORT,
        peer: { securityGroupId: sg },
        description: `InfluxDB writes from the ${role} hosts' Telegraf`,
      })),
      {
        key: "to-nodes",
        direction: "egress",
        port: INFLUXDB_NODE_PORT,
        peer: { securityGroupId: nodes },
        description: "InfluxDB's NodePort on the Kubernetes nodes",
      },
    ],
    nodes: [
      {
        key: "influxdb-from-metrics-lb",
        direction: "ingress",
        port: INFLUXDB_NODE_PORT,
        peer: { securityGroupId: lb },
        description: "InfluxDB writes through the internal metrics load balancer",
      },
    ],
    writers: Object.fromEntries(
      Object.keys(writers).map((role) => [
        role,
        [
          {
            key: "metrics-to-influxdb",
            direction: "egress" as const,
            port: INFLUXDB_PORT,
            peer: { securityGroupId: lb },
            description: "Telegraf writes to InfluxDB through the internal metrics load balancer",
          },
        ],
      ]),
    ),
  };
}

export function createHostEndpoint(
  name: string,
  args: HostEndpointArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  new k8s.core.v1.Service(
    `${name}-influxdb-hosts`,
    {
      metadata: { namespace: args.namespace, labels: labelsFor("influxdb") },
      spec: {
        type: "NodePort",
        selector: labelsFor("influxdb"),
        // Local: no second hop between nodes, and the NLB's health check finds the one node with the pod.
        externalTrafficPolicy: "Local",
        ports: [
          {
            name: "http",
            port: INFLUXDB_PORT,
            targetPort: "http",
            nodePort: INFLUXDB_NODE_PORT,
            protocol: "TCP",
          },
        ],
      },
    },
    { parent },
  );
  const sg = new aws.ec2.SecurityGroup(
    `${name}-metrics-lb`,
    { vpcId: args.vpcId, description: "Internal metrics load balancer: host Telegrafs to InfluxDB" },
    { parent },
  );
  const rules = hostEndpointRules(args.writers, args.nodeSecurityGroupId, sg.id);
  createRules(`${name}-metrics-lb`, sg.id, rules.lb, parent);
  createRules(`${name}-nodes`, args.nodeSecurityGroupId, rules.nodes, parent);
  for (const [role, sgId] of Object.entries(args.writers))
    createRules(`${name}-${role}`, sgId, rules.writers[role], parent);
  const lb = new aws.lb.LoadBalancer(
    `${name}-metrics`,
    {
      internal: true,
      loadBalancerType: "network",
      subnets: args.subnetIds,
      securityGroups: [sg.id],
      enableCrossZoneLoadBalancing: true,
    },
    { parent },
  );
  const targets = new aws.lb.TargetGroup(
    `${name}-influxdb`,
    {
      vpcId: args.vpcId,
      port: INFLUXDB_NODE_PORT,
      protocol: "TCP",
      targetType: "instance",
      healthCheck: { protocol: "HTTP", path: "/ping", matcher: "204", port: "traffic-port" },
    },
    { parent },
  );
  new aws.lb.Listener(
    `${name}-influxdb`,
    {
      loadBalancerArn: lb.arn,
      port: INFLUXDB_PORT,
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
            `${name}-influxdb-${asg}`,
            { autoscalingGroupName: asg, lbTargetGroupArn: targets.arn },
            { parent },
          ),
      ),
    );
  return pulumi.interpolate`http://${lb.dnsName}:${INFLUXDB_PORT}`;
}
