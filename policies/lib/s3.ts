/** S3 settings live in their own resources; these find the ones that apply to a bucket. */
import type { PolicyResource } from "@pulumi/policy";
import { referencedBy } from "./stack";

export const BUCKET_TYPES = ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"];

/** Resources whose `bucket` names this bucket: by reference to it, or by its literal name. */
export function attachedTo(bucket: PolicyResource, candidates: PolicyResource[]): PolicyResource[] {
  return candidates.filter(
    (c) =>
      referencedBy(c, "bucket").some((b) => b.urn === bucket.urn) ||
      (typeof c.props.bucket === "string" && c.props.bucket === bucket.props.bucket),
  );
}
