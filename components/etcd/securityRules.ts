/** What reaches an etcd member and what it reaches. Pure: the tests compare it with the plan. */
import { cidrKey, type RuleSpec } from "../common/sgRules";
import type * as pulumi from "@pulumi/pulumi";
import { ETCD_CLIENT_PORT, ETCD_PEER_PORT } from "../../model/ports";

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
      port: ETCD_PEER_PORT,
      peer: { securityGroupId: groups.etcd },
      description: "raft between members",
    },
    {
      key: "client-from-haproxy",
      direction: "ingress",
      port: ETCD_CLIENT_PORT,
      peer: { securityGroupId: groups.haproxy },
      description: "switchyard-agent watches routes",
    },
    {
      key: "client-from-nodes",
      direction: "ingress",
      port: ETCD_CLIENT_PORT,
      peer: { securityGroupId: groups.nodes },
      description: "Kubernetes workloads read routes",
    },
    ...deployRunnerCidrs.map((cidr): RuleSpec => ({
      key: `client-from-${cidrKey(cidr)}`,
      direction: "ingress",
      port: ETCD_CLIENT_PORT,
      peer: { cidr },
      description: "deploy runner writes routes",
    })),
    {
      key: "peer-to-etcd",
      direction: "egress",
      port: ETCD_PEER_PORT,
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
