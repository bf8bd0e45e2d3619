/**
 * Daily EBS snapshots of data volumes through Data Lifecycle Manager: a policy selects its
 * volumes by one tag, unique per stack and owner, so each component's volumes keep their own
 * schedule and retention (etcd, MySQL, MongoDB).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "./trustPolicy";

/** Tag that selects the volumes the snapshot policy covers; unique per stack and owner. */
export function snapshotTag(name: string): Record<string, string> {
  return { SnapshotPolicy: `${name}-${pulumi.getStack()}` };
}

/** Keep the last `count` snapshots, or every snapshot younger than `days`. */
export type SnapshotRetention = { count: number } | { days: number };

export function createVolumeSnapshotPolicy(
  name: string,
  retention: SnapshotRetention,
  parent: pulumi.Resource,
): aws.dlm.LifecyclePolicy {
  const role = new aws.iam.Role(
    `${name}-dlm`,
    {
      assumeRolePolicy: serviceTrustPolicy("dlm.amazonaws.com"),
      managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AWSDataLifecycleManagerServiceRole"],
    },
    { parent },
  );
  return new aws.dlm.LifecyclePolicy(
    `${name}-volumes`,
    {
      description: `Daily snapshots of the ${name} data volumes`,
      executionRoleArn: role.arn,
      state: "ENABLED",
      policyDetails: {
        resourceTypes: ["VOLUME"],
        targetTags: snapshotTag(name),
        schedules: [
          {
            name: "daily",
            createRule: { interval: 24, intervalUnit: "HOURS", times: "03:00" },
            retainRule:
              "count" in retention
                ? { count: retention.count }
                : { interval: retention.days, intervalUnit: "DAYS" },
            copyTags: true,
          },
        ],
      },
    },
    { parent },
  );
}
