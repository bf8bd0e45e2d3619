import { instanceArch } from "../../common/architecture";

/**
 * Amazon Linux 2023 for the group's architecture: AL2 has no AMIs for Kubernetes 1.33+, and the
 * config schema already guarantees one architecture per group.
 */
export function amiTypeFor(
  instanceTypes: readonly string[],
): "AL2023_ARM_64_STANDARD" | "AL2023_x86_64_STANDARD" {
  return instanceArch(instanceTypes[0]) === "arm64" ? "AL2023_ARM_64_STANDARD" : "AL2023_x86_64_STANDARD";
}

/** Label every node carries so workloads and PDBs can target a group by name. */
export const NODE_GROUP_LABEL = "switchyard.io/node-group";
