/**
 * Pinned upstream versions of the Kafka side. Strimzi 1.2.0 serves only `kafka.strimzi.io/v1`
 * and supports Kafka 4.2.x and 4.3.x (its release notes); its example clusters run 4.3.1 with
 * metadata version 4.3-IV0. Upgrading: docs/logging.md, "Upgrading Strimzi and its CRDs".
 */
export const STRIMZI = {
  version: "1.2.0",
  /** The project's Helm chart (OCI), whose version is the operator's. */
  chart: "oci://quay.io/strimzi-helm/strimzi-kafka-operator",
  /** The CRDs of exactly this release, applied by Pulumi (Helm never upgrades CRDs). */
  crdsUrl:
    "https://github.com/strimzi/strimzi-kafka-operator/releases/download/1.2.0/strimzi-crds-1.2.0.yaml",
  apiVersion: "kafka.strimzi.io/v1",
} as const;

export const KAFKA = { version: "4.3.1", metadataVersion: "4.3-IV0" } as const;
