/**
 * What reaches the database hosts and what they reach, for the one `databases` security group
 * both engines share. Pure: the tests compare it with the plan. Only the Kubernetes nodes and
 * the members themselves (replication, replica-set traffic) reach the service ports.
 */
import type * as pulumi from "@pulumi/pulumi";
import { MONGODB_PORT, MYSQL_PORT } from "../../model/ports";
import type { RuleSpec } from "../common/sgRules";

export interface DatabasePeers {
  databases: pulumi.Input<string>;
  nodes: pulumi.Input<string>;
}

export function databaseRules(
  engines: { mysql: boolean; mongodb: boolean },
  groups: DatabasePeers,
): RuleSpec[] {
  const ports = [
    ...(engines.mysql
      ? [{ engine: "mysql", port: MYSQL_PORT, peerUse: "replication from the primary" }]
      : []),
    ...(engines.mongodb ? [{ engine: "mongodb", port: MONGODB_PORT, peerUse: "replica-set members" }] : []),
  ];
  if (ports.length === 0) return [];
  return [
    ...ports.flatMap(({ engine, port, peerUse }): RuleSpec[] => [
      {
        key: `${engine}-from-nodes`,
        direction: "ingress",
        port,
        peer: { securityGroupId: groups.nodes },
        description: `${engine} clients in Kubernetes`,
      },
      {
        key: `${engine}-from-members`,
        direction: "ingress",
        port,
        peer: { securityGroupId: groups.databases },
        description: `${engine} ${peerUse}`,
      },
      {
        key: `${engine}-to-members`,
        direction: "egress",
        port,
        peer: { securityGroupId: groups.databases },
        description: `${engine} ${peerUse}`,
      },
    ]),
    // Vendor package repositories, Secrets Manager and SSM, all HTTPS.
    {
      key: "https",
      direction: "egress",
      port: 443,
      peer: { cidr: "0.0.0.0/0" },
      description: "HTTPS to AWS APIs and the vendors' package repositories",
    },
  ];
}
