/** What reaches an etcd member and what it reaches. Pure: the tests compare it with the plan. */
import { cidrKey, type RuleSpec } from "../common/sgRules";
import type * as pulumi from "@pulumi/pulumi";
import { CLIENT_PORT, PEER_PORT } from "./render/layout";

export interface EtcdPeers {
  etcd: pulumi.Input<string>;
  haproxy: pulumi.Input<string>;
  nodes: pulumi.Input<string>;
}

export function etcdRules(groups: EtcdPeers, deployRunnerCidrs: readonly string[]): RuleSpec[] {
  return [
    {
      key: "peer-from-etcd",
      direction: "ingress",
      port: PEER_PORT,
      peer: { securityGroupId: groups.etcd },
      description: "raft between members",
    },
    {
      key: "client-from-haproxy",
      direction: "ingress",
      port: CLIENT_PORT,
      peer: { securityGroupId: groups.haproxy },
      description: "switchyard-agent watches routes",
    },
    {
      key: "client-from-nodes",
      direction: "ingress",
      port: CLIENT_PORT,
      peer: { securityGroupId: groups.nodes },
      description: "Kubernetes workloads read routes",
    },
    ...deployRunnerCidrs.map((cidr): RuleSpec => ({
      key: `client-from-${cidrKey(cidr)}`,
      direction: "ingress",
      port: CLIENT_PORT,
      peer: { cidr },
      description: "deploy runner writes routes",
    })),
    {
      key: "peer-to-etcd",
      direction: "egress",
      port: PEER_PORT,
      peer: { securityGroupId: groups.etcd },
      description: "raft between members",
    },
    // Release download, S3 backups, Secrets Manager and SSM, all HTTPS.
    {
      key: "https",
      direction: "egress",
      port: 443,
      peer: { cidr: "0.0.0.0/0" },
      description: "HTTPS to AWS APIs and the etcd release",
    },
  ];
}
