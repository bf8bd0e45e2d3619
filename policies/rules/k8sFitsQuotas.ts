import type { StackValidationPolicy } from "@pulumi/policy";
import { cpuCores, GIB, memoryBytes } from "../../model/quantity";
import { namespaceOf, plus, podDemand, ZERO, type Quantities } from "../lib/capacity";
import { ofType } from "../lib/stack";
import { at, record, text } from "../lib/values";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const QUOTA = "kubernetes:core/v1:ResourceQuota";

/** The quota keys checked, and how to read a declared pod's share of each. */
const KEYS: {
  key: string;
  of: (t: { requests: Quantities; limits: Quantities }) => number;
  parse: (q: string) => number;
}[] = [
  { key: "requests.cpu", of: (t) => t.requests.cpu, parse: cpuCores },
  { key: "limits.cpu", of: (t) => t.limits.cpu, parse: cpuCores },
  { key: "requests.memory", of: (t) => t.requests.memory, parse: memoryBytes },
  { key: "limits.memory", of: (t) => t.limits.memory, parse: memoryBytes },
  { key: "pods", of: (t) => t.requests.pods, parse: Number },
];

const shown = (key: string, n: number) =>
  key.endsWith("memory") ? `${(n / GIB).toFixed(1)}Gi` : key.endsWith("cpu") ? n.toFixed(2) : String(n);

/**
 * A namespace's ResourceQuota is enforced at admission: pods beyond it are refused by the API
 * server (a Kafka broker or a Graylog node that never starts), which no plan shows. This sums what
 * the stack's own workloads in each quota's namespace request and limit, DaemonSets at the node
 * groups' largest size (each node runs one), and compares it with the quota.
 */
export const k8sFitsQuotas: StackValidationPolicy = {
  name: "k8s-workloads-fit-quotas",
  description: "The workloads the stack declares in a namespace fit that namespace's ResourceQuota.",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    const maxNodes = ofType(args.resources, NODE_GROUP).reduce(
      (n, g) => n + Number(at(g.props, "scalingConfig", "maxSize") ?? 0),
      0,
    );
    const need = new Map<string, { requests: Quantities; limits: Quantities }>();
    for (const r of args.resources) {
      const ns = namespaceOf(r.props);
      if (!ns) continue;
      const t = need.get(ns) ?? { requests: ZERO, limits: ZERO };
      for (const d of podDemand(r.type, r.name, r.props)) {
        const n = d.count === "per node" ? maxNodes : d.count;
        t.requests = plus(t.requests, d.pod, n);
        t.limits = plus(t.limits, d.limits, n);
      }
      need.set(ns, t);
    }
    for (const quota of ofType(args.resources, QUOTA)) {
      const ns = namespaceOf(quota.props);
      const hard = record(at(quota.props, "spec", "hard")) ?? {};
      const t = ns ? need.get(ns) : undefined;
      if (!t) continue;
      for (const { key, of, parse } of KEYS) {
        const limit = text(hard[key]);
        if (limit === undefined || of(t) <= parse(limit)) continue;
        report(
          `The workloads in namespace ${ns} need ${key} ${shown(key, of(t))} (DaemonSets at ${maxNodes} nodes), more than the quota's ${limit}: the API server would refuse the pods beyond it. Raise kubernetes.namespaces.${ns}.quota.`,
          quota.urn,
        );
      }
    }
  },
};
