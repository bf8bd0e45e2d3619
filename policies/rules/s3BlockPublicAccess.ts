import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { BUCKET_TYPES, attachedTo } from "../lib/s3";
import { ofType } from "../lib/stack";

const FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"];
const BUCKET_BLOCK = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
const ACCOUNT_BLOCK = "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock";

const blocksAll = (block: PolicyResource) => FLAGS.every((f) => block.props[f] === true);

/** A public bucket is how platform state and logs leak; block it per bucket or account-wide. */
export const s3BlockPublicAccess: StackValidationPolicy = {
  name: "s3-block-public-access",
  description: "Every S3 bucket has a public access block with all four settings on (or the account has).",
  enforcementLevel: "mandatory",
  validateStack: (args, report) => {
    if (ofType(args.resources, ACCOUNT_BLOCK).some(blocksAll)) return;
    const blocks = ofType(args.resources, BUCKET_BLOCK);
    for (const bucket of ofType(args.resources, ...BUCKET_TYPES)) {
      const own = attachedTo(bucket, blocks);
      if (own.length === 0) report("Bucket has no public access block.", bucket.urn);
      else if (!own.some(blocksAll))
        report(`Bucket's public access block must set ${FLAGS.join(", ")}.`, bucket.urn);
    }
  },
};
