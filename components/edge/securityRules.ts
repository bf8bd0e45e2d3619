/** What reaches the load balancer and the HAProxy hosts, and what they reach. Pure. */
import type * as pulumi from "@pulumi/pulumi";
import { type RuleSpec } from "../common/sgRules";
import { EDGE_TRAFFIC_PORT, ETCD_CLIENT_PORT } from "../../model/ports";

export interface EdgePeers {
  loadBalancer: pulumi.Input<string>;
  haproxy: pulumi.Input<string>;
  etcd: pulumi.Input<string>;
  nodes: pulumi.Input<string>;
}

const anywhere = { cidr: "0.0.0.0/0" };

export function loadBalancerRules(groups: EdgePeers, tls: boolean): RuleSpec[] {
  return [
    { key: "http", direction: "ingress", port: 80, peer: anywhere, description: "HTTP from the internet" },
    ...(tls
      ? [
          {
            key: "https",
            direction: "ingress",
            port: 443,
            peer: anywhere,
            description: "HTTPS from the internet",
          } as RuleSpec,
        ]
      : []),
    {
      key: "to-haproxy",
      direction: "egress",
      port: EDGE_TRAFFIC_PORT,
      peer: { securityGroupId: groups.haproxy },
      description: "traffic and health checks to HAProxy",
    },
  ];
}

export function haproxyRules(groups: EdgePeers): RuleSpec[] {
  return [
    // With security groups on the NLB, this one reference admits forwarded client traffic (client
    // IPs preserved) and health checks alike; nothing else reaches the hosts.
    {
      key: "from-load-balancer",
      direction: "ingress",
      port: EDGE_TRAFFIC_PORT,
      peer: { securityGroupId: groups.loadBalancer },
      description: "traffic and health checks from the ELB",
    },
    {
      key: "to-etcd",
      direction: "egress",
      port: ETCD_CLIENT_PORT,
      peer: { securityGroupId: groups.etcd },
      description: "watch routes in etcd",
    },
    // Pods listen on app-chosen ports; the nodes' own ingress rules decide which are reachable.
    {
      key: "to-nodes",
      direction: "egress",
      port: 1024,
      toPort: 65535,
      peer: { securityGroupId: groups.nodes },
      description: "proxy to pods",
    },
    {
      key: "https",
      direction: "egress",
      port: 443,
      peer: anywhere,
      description: "HTTPS to package repositories and AWS APIs",
    },
  ];
}
