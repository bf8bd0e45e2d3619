/**
 * The Strimzi cluster operator: its CRDs applied by Pulumi from the release's own file (so an
 * upgrade updates them, which Helm never does), then the pinned chart with `skipCrds`.
 */
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { OPERATOR_RESOURCES } from "./resources";
import { STRIMZI } from "./versions";

/** The chart's values: the operator watches its own namespace only, with stated limits. */
export function operatorValues() {
  return {
    // Empty: the release's namespace only (the Kafka cluster and users live there).
    watchNamespaces: [],
    resources: OPERATOR_RESOURCES,
    // The generated network policies admit only Strimzi's own components to the brokers' control ports.
    generateNetworkPolicy: true,
    generatePodDisruptionBudget: true,
    podDisruptionBudget: { enabled: false },
  };
}

export interface Operator {
  crds: k8s.yaml.v2.ConfigFile;
  release: k8s.helm.v3.Release;
}

export function createOperator(
  name: string,
  namespace: pulumi.Input<string>,
  protect: boolean,
  parent: pulumi.Resource,
): Operator {
  const crds = new k8s.yaml.v2.ConfigFile(
    `${name}-strimzi-crds`,
    { file: STRIMZI.crdsUrl },
    // Deleting a CRD deletes every Kafka resource of its kind: never by accident in production.
    { parent, protect },
  );
  const release = new k8s.helm.v3.Release(
    `${name}-strimzi`,
    {
      chart: STRIMZI.chart,
      version: STRIMZI.version,
      namespace,
      skipCrds: true,
      atomic: true,
      values: operatorValues(),
    },
    { parent, dependsOn: [crds] },
  );
  return { crds, release };
}
