/** Which EKS managed add-ons the cluster runs, in which phase, with which identity and settings. */
import type { AddonName } from "../../config/areas/kubernetes";
import { MANAGED_POLICIES } from "../controlPlane/policies";

export interface AddonSpec {
  name: AddonName;
  /**
   * beforeNodes: a node cannot become Ready without it (pod networking, service routing, pod
   * credentials). afterNodes: a Deployment that needs nodes to schedule on, or EKS reports the
   * add-on degraded and the create times out.
   */
  phase: "beforeNodes" | "afterNodes";
  /** The add-on's service account gets its own IRSA role with exactly these AWS managed policies. */
  serviceAccount?: { namespace: string; name: string; managedPolicies: readonly string[] };
  configurationValues?: Record<string, unknown>;
}

export function planAddons(args: { availabilityZones: number }): AddonSpec[] {
  return [
    {
      name: "vpc-cni",
      phase: "beforeNodes",
      serviceAccount: {
        namespace: "kube-system",
        name: "aws-node",
        managedPolicies: MANAGED_POLICIES.vpcCni,
      },
      // NetworkPolicies are enforced (by the CNI's node agent); pods without one stay open.
      // The logging stack relies on it: only Graylog reaches OpenSearch (docs/logging.md).
      configurationValues: { enableNetworkPolicy: "true" },
    },
    { name: "kube-proxy", phase: "beforeNodes" },
    { name: "eks-pod-identity-agent", phase: "beforeNodes" },
    { name: "coredns", phase: "afterNodes", configurationValues: corednsValues(args.availabilityZones) },
    {
      name: "aws-ebs-csi-driver",
      phase: "afterNodes",
      serviceAccount: {
        namespace: "kube-system",
        name: "ebs-csi-controller-sa",
        managedPolicies: MANAGED_POLICIES.ebsCsi,
      },
    },
  ];
}

/**
 * Cluster DNS is the one platform workload every pod depends on: a replica per AZ (at least two),
 * spread over zones, and a disruption budget so a node-group roll or drain never takes more than
 * one replica down at a time. The add-on owns that PodDisruptionBudget; a second one of ours over
 * the same pods would make every eviction fail.
 */
export function corednsValues(availabilityZones: number): Record<string, unknown> {
  return {
    replicaCount: Math.max(2, availabilityZones),
    podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
    topologySpreadConstraints: [
      {
        maxSkew: 1,
        topologyKey: "topology.kubernetes.io/zone",
        whenUnsatisfiable: "ScheduleAnyway",
        labelSelector: { matchLabels: { "k8s-app": "kube-dns" } },
      },
    ],
  };
}
