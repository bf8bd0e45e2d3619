/**
 * Two independent backups: `etcdctl snapshot save` files in S3 (portable, restore anywhere) and
 * daily EBS snapshots of every data volume (fast whole-volume restore in the same region).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createSecureBucket } from "../common/secureBucket";
import { serviceTrustPolicy } from "../common/trustPolicy";

export function createBackupBucket(
  name: string,
  retentionDays: number,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  // Retained on stack deletion: after `pulumi destroy` the snapshots are all that is left.
  return createSecureBucket(`${name}-backups`, { expireAfterDays: retentionDays, retain: true }, parent);
}

/** Tag that selects the volumes the snapshot policy covers; unique per stack and cluster. */
export function snapshotTag(name: string): Record<string, string> {
  return { SnapshotPolicy: `${name}-${pulumi.getStack()}` };
}

export function createVolumeSnapshotPolicy(
  name: string,
  kept: number,
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
            retainRule: { count: kept },
            copyTags: true,
          },
        ],
      },
    },
    { parent },
  );
}
