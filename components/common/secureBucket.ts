/**
 * A private S3 bucket with the baseline every routing-tier bucket needs: server-side encryption,
 * versioning, all public access blocked, bucket-owner-only object ownership, TLS-only access and
 * lifecycle expiry. One helper so that no bucket can forget one of them.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface SecureBucketArgs {
  /**
   * Current objects expire after this many days; undefined keeps them (artifacts hosts still
   * download). Superseded versions always expire a week after they are replaced.
   */
  expireAfterDays?: number;
  /** Extra statements for the bucket policy (log delivery, for example). */
  extraStatements?: (bucketArn: pulumi.Output<string>) => pulumi.Input<Record<string, unknown>>[];
  /** Keep the bucket on stack deletion: it holds the only copy of something (backups). */
  retain?: boolean;
}

export function createSecureBucket(
  name: string,
  args: SecureBucketArgs,
  parent: pulumi.Resource,
): aws.s3.Bucket {
  const bucket = new aws.s3.Bucket(
    name,
    { forceDestroy: false, tags: { Name: name } },
    { parent, retainOnDelete: args.retain ?? false },
  );
  new aws.s3.BucketPublicAccessBlock(
    name,
    {
      bucket: bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    },
    { parent },
  );
  new aws.s3.BucketOwnershipControls(
    name,
    { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } },
    { parent },
  );
  // SSE-S3: the one server-side encryption every AWS log delivery service can write to.
  new aws.s3.BucketServerSideEncryptionConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" }, bucketKeyEnabled: true }],
    },
    { parent },
  );
  new aws.s3.BucketVersioning(
    name,
    { bucket: bucket.id, versioningConfiguration: { status: "Enabled" } },
    { parent },
  );
  new aws.s3.BucketLifecycleConfiguration(
    name,
    {
      bucket: bucket.id,
      rules: [
        {
          id: "expire",
          status: "Enabled",
          filter: {},
          ...(args.expireAfterDays === undefined ? {} : { expiration: { days: args.expireAfterDays } }),
          noncurrentVersionExpiration: { noncurrentDays: 7 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 1 },
        },
      ],
    },
    { parent },
  );
  new aws.s3.BucketPolicy(
    name,
    {
      bucket: bucket.id,
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "DenyInsecureTransport",
            Effect: "Deny",
            Principal: "*",
            Action: "s3:*",
            Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
            Condition: { Bool: { "aws:SecureTransport": "false" } },
          },
          ...(args.extraStatements?.(bucket.arn) ?? []),
        ],
      }),
    },
    { parent },
  );
  return bucket;
}
