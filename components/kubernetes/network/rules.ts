/**
 * The security-group rules of the worker nodes and the control plane, planned by a pure function so
 * that "exactly these paths and nothing else" is tested without AWS.
 *
 * Nodes carry only the `nodes` group: the EKS-managed cluster group (which allows everything between
 * its members and all egress) is deliberately not attached to them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { ETCD_CLIENT_PORT, MONGODB_PORT, MYSQL_PORT } from "../../../model/ports";
import { cidrKey, type RuleSpec } from "../../common/sgRules";
import type { DatabasesConfig } from "../../config/areas/databases";
import type { NodeEgressRule } from "../../config/areas/kubernetes";

export const KUBELET_PORT = 10250;
export const HTTPS_PORT = 443;

/** Groups the rules live on (ours) or point at (peers). */
export type RuleGroup = "nodes" | "controlPlane";
export type PeerGroup = RuleGroup | "haproxy" | "etcd" | "databases";

export interface PlannedRule {
  /** Stable, unique within the group and direction: `<peer>-<ports>`. */
  key: string;
  group: RuleGroup;
  direction: "ingress" | "egress";
  /** A peer security group, "anywhere" (0.0.0.0/0), or an address range. */
  peer: PeerGroup | "anywhere" | { cidr: string } | { securityGroupId: string };
  /** "all" means every protocol and port (only between members of the nodes group). */
  protocol: "tcp" | "udp" | "all";
  fromPort?: number;
  toPort?: number;
  description: string;
}

export interface ClusterRulesArgs {
  haproxyPorts: readonly { from: number; to: number }[];
  /** Container ports of the blue-green apps: HAProxy reaches their pods directly (vpc-cni pod IPs). */
  appPorts: readonly number[];
  webhookPorts: readonly number[];
  databasePorts: readonly number[];
  /** Ranges allowed to the API endpoint (deploy runners, administrators). */
  apiAccessCidrs: readonly string[];
  /** `kubernetes.nodeEgress`: extra destinations of the nodes, by name. */
  nodeEgress?: Readonly<Record<string, NodeEgressRule>>;
}

/** Client ports of the database engines this stack runs (the databases component opens their ingress). */
export function databaseClientPorts(databases: DatabasesConfig): number[] {
  return [
    ...(databases.mysql.enabled ? [MYSQL_PORT] : []),
    ...(databases.mongodb.enabled ? [MONGODB_PORT] : []),
  ];
}

function tcp(from: number, to = from): { protocol: "tcp"; fromPort: number; toPort: number; ports: string } {
  return { protocol: "tcp", fromPort: from, toPort: to, ports: from === to ? `${from}` : `${from}-${to}` };
}

export function planClusterRules(args: ClusterRulesArgs): PlannedRule[] {
  const rules: PlannedRule[] = [];
  const add = (
    group: RuleGroup,
    direction: PlannedRule["direction"],
    peer: PlannedRule["peer"],
    port: ReturnType<typeof tcp> | "all",
    description: string,
  ) => {
    const ports = port === "all" ? "all" : port.ports;
    const peerKey =
      typeof peer !== "object" ? peer : "cidr" in peer ? cidrKey(peer.cidr) : peer.securityGroupId;
    const key = `${peerKey}-${ports}`;
    if (rules.some((r) => r.group === group && r.direction === direction && r.key === key)) return;
    const proto =
      port === "all"
        ? { protocol: "all" as const }
        : { protocol: port.protocol, fromPort: port.fromPort, toPort: port.toPort };
    rules.push({ key, group, direction, peer, ...proto, description });
  };

  // Traffic the nodes receive: HAProxy on the published ports, each other, the control plane.
  for (const range of args.haproxyPorts) {
    add(
      "nodes",
      "ingress",
      "haproxy",
      tcp(range.from, range.to),
      "HAProxy fleets to app pods (haproxyPorts)",
    );
  }
  // Members written by switchyard-registrar are pod IP + container port; a port inside a range
  // opened above needs no rule of its own.
  for (const port of args.appPorts) {
    if (args.haproxyPorts.some((r) => port >= r.from && port <= r.to)) continue;
    add("nodes", "ingress", "haproxy", tcp(port), "HAProxy fleets to app pods on their container port");
  }
  add("nodes", "ingress", "nodes", "all", "Node to node: pod networking, cluster DNS, kube-proxy forwarding");
  add(
    "nodes",
    "ingress",
    "controlPlane",
    tcp(KUBELET_PORT),
    "Control plane to kubelet: logs, exec, port-forward",
  );
  for (const port of args.webhookPorts) {
    add(
      "nodes",
      "ingress",
      "controlPlane",
      tcp(port),
      "Control plane to admission webhooks and aggregated APIs on pods",
    );
  }

  // Traffic the nodes send.
  add("nodes", "egress", "nodes", "all", "Node to node: pod networking, cluster DNS, kube-proxy forwarding");
  add(
    "nodes",
    "egress",
    "anywhere",
    tcp(HTTPS_PORT),
    "HTTPS: Kubernetes API, AWS APIs (STS, EC2, ECR, S3), container registries",
  );
  add("nodes", "egress", "etcd", tcp(ETCD_CLIENT_PORT), "Pods to the etcd client port (routes, status)");
  for (const port of args.databasePorts) {
    add("nodes", "egress", "databases", tcp(port), "Pods to the databases outside Kubernetes");
  }

  // Named by the entry, so adding or changing one never renames another.
  for (const [entry, rule] of Object.entries(args.nodeEgress ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    rules.push({
      key: `extra-${entry}`,
      group: "nodes",
      direction: "egress",
      peer: rule.cidr !== undefined ? { cidr: rule.cidr } : { securityGroupId: rule.securityGroupId! },
      protocol: rule.protocol,
      fromPort: rule.port,
      toPort: rule.toPort ?? rule.port,
      description: rule.description ?? `Pods to ${entry} (kubernetes.nodeEgress)`,
    });
  }

  // The control plane's own group (EKS adds its managed cluster group beside it).
  add("controlPlane", "ingress", "nodes", tcp(HTTPS_PORT), "Kubelets and pods to the Kubernetes API");
  for (const cidr of args.apiAccessCidrs) {
    add(
      "controlPlane",
      "ingress",
      { cidr },
      tcp(HTTPS_PORT),
      "Deploy runners and administrators to the Kubernetes API",
    );
  }
  add("controlPlane", "egress", "nodes", tcp(KUBELET_PORT), "Control plane to kubelet");
  for (const port of args.webhookPorts) {
    add(
      "controlPlane",
      "egress",
      "nodes",
      tcp(port),
      "Control plane to admission webhooks and aggregated APIs",
    );
  }
  return rules;
}

/** The security group each RuleGroup's rules live on; `<cluster name>-<group>` names its rules. */
export function ruleGroupName(name: string, group: RuleGroup): string {
  return `${name}-${group}`;
}

/**
 * The planned rules as the shared rule helper's specs, per group. Before the helper was shared
 * these rules were named `<name>-<group>-<in|out>-<key>`: that name stays as an alias.
 */
export function clusterRuleSpecs(
  name: string,
  rules: PlannedRule[],
  groupIds: Record<PeerGroup, pulumi.Input<string>>,
): Map<RuleGroup, RuleSpec[]> {
  const specs = new Map<RuleGroup, RuleSpec[]>();
  for (const rule of rules) {
    const ports =
      rule.protocol === "all"
        ? { protocol: "all" as const }
        : { protocol: "tcp" as const, port: rule.fromPort!, toPort: rule.toPort };
    const peer =
      rule.peer === "anywhere"
        ? { cidr: "0.0.0.0/0" }
        : typeof rule.peer === "object"
          ? rule.peer
          : { securityGroupId: groupIds[rule.peer] };
    const formerName = `${name}-${rule.group}-${rule.direction === "ingress" ? "in" : "out"}-${rule.key}`;
    const list = specs.get(rule.group) ?? [];
    list.push({
      ...ports,
      key: rule.key,
      direction: rule.direction,
      peer,
      description: rule.description,
      formerName,
    });
    specs.set(rule.group, list);
  }
  return specs;
}
