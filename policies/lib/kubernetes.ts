/**
 * Finds the pod spec and containers inside any Kubernetes workload, whatever its kind, so the
 * container rules are written once.
 */
import type { ReportViolation, ResourceValidation, ResourceValidationArgs } from "@pulumi/policy";
import { at, record, records, text, type Props } from "./values";

/** Kinds whose pod spec sits at `spec.template.spec`. */
const TEMPLATED_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Job",
]);

/** Kinds that run until stopped, as opposed to Jobs that run to completion. */
export const LONG_RUNNING_KINDS = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "ReplicationController",
  "Pod",
]);

/** `kubernetes:apps/v1:Deployment` → `Deployment`; undefined for anything not from the Kubernetes provider. */
export function kubernetesKind(type: string): string | undefined {
  return type.startsWith("kubernetes:") ? type.split(":")[2] : undefined;
}

export function podSpecOf(kind: string, props: Props): Props | undefined {
  if (kind === "Pod") return record(props.spec);
  if (kind === "CronJob") return record(at(props, "spec", "jobTemplate", "spec", "template", "spec"));
  if (TEMPLATED_KINDS.has(kind)) return record(at(props, "spec", "template", "spec"));
  return undefined;
}

export interface Container {
  /** `container "web"` or `init container "migrate"`: how messages name it. */
  label: string;
  init: boolean;
  spec: Props;
}

export function containersOf(podSpec: Props): Container[] {
  const named = (spec: Props, init: boolean): Container => ({
    label: `${init ? "init container" : "container"} "${text(spec.name) ?? "?"}"`,
    init,
    spec,
  });
  return [
    ...records(podSpec.initContainers).map((c) => named(c, true)),
    ...records(podSpec.containers).map((c) => named(c, false)),
  ];
}

export interface Workload {
  kind: string;
  podSpec: Props;
  containers: Container[];
}

/** A resource validation that runs `check` on every Kubernetes workload and ignores all else. */
export function validateWorkloads(
  check: (workload: Workload, args: ResourceValidationArgs, report: ReportViolation) => void,
): ResourceValidation {
  return (args, report) => {
    const kind = kubernetesKind(args.type);
    const podSpec = kind && podSpecOf(kind, args.props);
    if (!kind || !podSpec) return;
    check({ kind, podSpec, containers: containersOf(podSpec) }, args, report);
  };
}

/**
 * Pods an operator or chart creates from a resource we declare, whose sizing that resource
 * carries: a Strimzi node pool's `spec.resources` (its Kafka and init containers), the Kafka
 * resource's entity operator, Cruise Control and Kafka Exporter, a Helm release's
 * `values.resources`. Each entry is what the pods will get, as a container's `resources` would be.
 */
export interface SizedTemplate {
  label: string;
  resources: unknown;
}

export function operatorTemplates(type: string, props: Props): SizedTemplate[] {
  const [, group, kind] = type.split(":");
  if (group?.startsWith("kafka.strimzi.io/")) {
    if (kind === "KafkaNodePool")
      return [
        {
          label: "KafkaNodePool pods (kafka and init containers)",
          resources: at(props, "spec", "resources"),
        },
      ];
    if (kind === "Kafka") {
      const spec = record(props.spec) ?? {};
      const optional = (path: string[], label: string): SizedTemplate[] =>
        record(at(spec, ...path)) ? [{ label, resources: at(spec, ...path, "resources") }] : [];
      return [
        ...optional(["entityOperator", "topicOperator"], 'entity operator container "topic-operator"'),
        ...optional(["entityOperator", "userOperator"], 'entity operator container "user-operator"'),
        ...optional(["cruiseControl"], "Cruise Control"),
        ...optional(["kafkaExporter"], "Kafka Exporter"),
      ];
    }
    return [];
  }
  if (type === "kubernetes:helm.sh/v3:Release")
    return [
      {
        label: `chart ${text(props.chart) ?? "?"} (values.resources)`,
        resources: at(props, "values", "resources"),
      },
    ];
  return [];
}
