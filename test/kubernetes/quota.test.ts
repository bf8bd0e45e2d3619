// The platform's own workloads must fit the ResourceQuota of the namespace they run in: a quota
// they outgrow makes the API server refuse their pods (a Kafka broker or a Graylog node that never
// starts), which no plan shows. DaemonSets are counted at the node groups' largest size.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { ofType, planStack, type Plan } from "../helpers/plan";

type Quantities = {
  requestsCpu: number;
  requestsMemory: number;
  limitsCpu: number;
  limitsMemory: number;
  pods: number;
};
type Resources = { requests?: { cpu?: string; memory?: string }; limits?: { cpu?: string; memory?: string } };

const UNITS: Record<string, number> = {
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  k: 1e3,
  M: 1e6,
  G: 1e9,
};
function memory(q: string | undefined): number {
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G)?$/.exec(q ?? "0");
  assert.ok(m, `memory quantity ${q}`);
  return Number(m[1]) * UNITS[m[2] ?? ""]!;
}
const cpu = (q: string | undefined) => (q?.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q ?? 0));

/** Pods and their containers' resources, per namespace, from every kind the stack controls. */
function demand(plan: Plan, maxNodes: number): Map<string, Quantities> {
  const out = new Map<string, Quantities>();
  const add = (ns: string | undefined, pods: number, resources: Resources[]) => {
    if (!ns) return;
    const q = out.get(ns) ?? { requestsCpu: 0, requestsMemory: 0, limitsCpu: 0, limitsMemory: 0, pods: 0 };
    q.pods += pods;
    for (const r of resources) {
      q.requestsCpu += pods * cpu(r.requests?.cpu);
      q.requestsMemory += pods * memory(r.requests?.memory);
      q.limitsCpu += pods * cpu(r.limits?.cpu);
      q.limitsMemory += pods * memory(r.limits?.memory);
    }
    out.set(ns, q);
  };
  for (const r of plan.resources) {
    const inputs = r.inputs as {
      metadata?: { namespace?: string };
      namespace?: string;
      spec?: Record<string, unknown> & {
        replicas?: number;
        template?: { spec?: { containers?: { resources?: Resources }[]; initContainers?: unknown[] } };
      };
      values?: { resources?: Resources };
    };
    const ns = inputs.metadata?.namespace ?? inputs.namespace;
    const containers = (inputs.spec?.template?.spec?.containers ?? []).map((c) => c.resources ?? {});
    switch (r.type) {
      case "kubernetes:apps/v1:Deployment":
      case "kubernetes:apps/v1:StatefulSet":
        add(ns, inputs.spec?.replicas ?? 1, containers);
        break;
      case "kubernetes:apps/v1:DaemonSet":
        add(ns, maxNodes, containers);
        break;
      case "kubernetes:batch/v1:Job":
        add(ns, 1, containers);
        break;
      case "kubernetes:kafka.strimzi.io/v1:KafkaNodePool":
        add(ns, inputs.spec?.replicas ?? 1, [inputs.spec?.resources as Resources]);
        break;
      case "kubernetes:kafka.strimzi.io/v1:Kafka": {
        const eo = inputs.spec?.entityOperator as
          { topicOperator?: { resources?: Resources }; userOperator?: { resources?: Resources } } | undefined;
        if (eo) add(ns, 1, [eo.topicOperator?.resources ?? {}, eo.userOperator?.resources ?? {}]);
        break;
      }
      case "kubernetes:helm.sh/v3:Release":
        if (inputs.values?.resources) add(ns, 1, [inputs.values.resources]);
        break;
    }
  }
  return out;
}

describe("namespace quotas", () => {
  for (const stack of ["prod", "staging"]) {
    test(`${stack}: the platform's workloads fit their namespaces' quotas at the largest node count`, () => {
      const plan = planStack(stack);
      const maxNodes = ofType(plan, "aws:eks/nodeGroup:NodeGroup").reduce(
        (n, g) => n + ((g.inputs.scalingConfig as { maxSize: number }).maxSize ?? 0),
        0,
      );
      assert.ok(maxNodes > 0);
      const need = demand(plan, maxNodes);
      const quotas = ofType(plan, "kubernetes:core/v1:ResourceQuota");
      assert.ok(quotas.length > 0);
      for (const quota of quotas) {
        const ns = (quota.inputs.metadata as { namespace: string }).namespace;
        const hard = (quota.inputs.spec as { hard: Record<string, string> }).hard;
        const q = need.get(ns);
        if (!q) continue;
        const gi = (b: number) => `${(b / 2 ** 30).toFixed(1)}Gi`;
        assert.ok(
          q.requestsCpu <= cpu(hard["requests.cpu"]),
          `${ns}: requests.cpu ${q.requestsCpu} > ${hard["requests.cpu"]}`,
        );
        assert.ok(
          q.limitsCpu <= cpu(hard["limits.cpu"]),
          `${ns}: limits.cpu ${q.limitsCpu} > ${hard["limits.cpu"]}`,
        );
        assert.ok(
          q.requestsMemory <= memory(hard["requests.memory"]),
          `${ns}: requests.memory ${gi(q.requestsMemory)} > ${hard["requests.memory"]}`,
        );
        assert.ok(
          q.limitsMemory <= memory(hard["limits.memory"]),
          `${ns}: limits.memory ${gi(q.limitsMemory)} > ${hard["limits.memory"]}`,
        );
        assert.ok(q.pods <= Number(hard.pods), `${ns}: ${q.pods} pods > ${hard.pods}`);
      }
      // The heavy namespaces are really counted (a type renamed out of the switch would pass silently).
      assert.ok((need.get("logging")?.pods ?? 0) > 10, JSON.stringify([...need]));
      assert.ok((need.get("monitoring")?.pods ?? 0) > 1, JSON.stringify([...need]));
    });
  }
});
