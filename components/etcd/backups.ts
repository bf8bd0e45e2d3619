/**
 * Two independent backups: `etcdctl snapshot save` files in S3 (portable, restore anywhere) and
 * daily EBS snapshots of every data volume (common/volumeSnapshots.ts; fast whole-volume restore
 * in the same region).
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { createSecureBucket } from "../common/secureBucket";

export function createBackupBucket(
  name: string,
  retentionDays: number,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  // Retained on stack deletion: after `pulumi destroy` the snapshots are all that is left.
  return createSecureBucket(`${name}-backups`, { expireAfterDays: retentionDays, retain: true }, parent);
}
