/** What reaches the load balancer and the HAProxy hosts, and what they reach. Pure. */
import type * as pulumi from "@pulumi/pulumi";
import { type RuleSpec } from "../common/sgRules";
import { EDGE_REDIRECT_PORT, EDGE_TRAFFIC_PORT, ETCD_CLIENT_PORT } from "../../model/ports";
import type { EdgeTlsConfig } from "../config/areas/edge";

export interface EdgePeers {
  loadBalancer: pulumi.Input<string>;
  haproxy: pulumi.Input<string>;
  etcd: pulumi.Input<string>;
  nodes: pulumi.Input<string>;
}

const anywhere = { cidr: "0.0.0.0/0" };

/**
 * What the NLB does with plain HTTP on port 80: `serve` it (no TLS configured), `redirect` it to
 * HAProxy's redirect port (301 to https), or `refuse` it (no listener, port closed).
 */
export type PlainHttpMode = "serve" | "redirect" | "refuse";

export function plainHttpMode(tls: EdgeTlsConfig | undefined): PlainHttpMode {
  return tls ? tls.http : "serve";
}

export function loadBalancerRules(groups: EdgePeers, http: PlainHttpMode): RuleSpec[] {
  const rules: RuleSpec[] = [];
  if (http !== "refuse")
    rules.push({
      key: "http",
      direction: "ingress",
      port: 80,
      peer: anywhere,
      description: "HTTP from the internet",
    });
  if (http !== "serve")
    rules.push({
      key: "https",
      direction: "ingress",
      port: 443,
      peer: anywhere,
      description: "HTTPS from the internet",
    });
  rules.push({
    key: "to-haproxy",
    direction: "egress",
    port: EDGE_TRAFFIC_PORT,
    peer: { securityGroupId: groups.haproxy },
    description: "traffic and health checks to HAProxy",
  });
  if (http === "redirect")
    rules.push({
      key: "to-haproxy-redirect",
      direction: "egress",
      port: EDGE_REDIRECT_PORT,
      peer: { securityGroupId: groups.haproxy },
      description: "plain HTTP to HAProxy's 301-to-https port",
    });
  return rules;
}

export function haproxyRules(groups: EdgePeers, http: PlainHttpMode): RuleSpec[] {
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
    ...(http === "redirect"
      ? [
          {
            key: "from-load-balancer-redirect",
            direction: "ingress",
            port: EDGE_REDIRECT_PORT,
            peer: { securityGroupId: groups.loadBalancer },
            description: "plain HTTP from the ELB, answered with a 301 to https",
          } as RuleSpec,
        ]
      : []),
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
