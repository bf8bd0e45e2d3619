import type { StackValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { BUCKET_TYPES, attachedTo } from "../lib/s3";
import { ofType } from "../lib/stack";
import { at, record, records, text, type Props } from "../lib/values";

const ENCRYPTION_TYPES = [
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
];

const settings = configurable(
  { algorithms: ["aws:kms", "aws:kms:dsse", "AES256"] },
  { algorithms: "Server-side encryption algorithms a bucket's default encryption may use." },
);

/** The separate resource lists `rules`; the bucket's inline (legacy) block has a single `rule`. */
function algorithmsOf(configuration: Props | undefined): string[] {
  const single = record(configuration?.rule);
  return [...records(configuration?.rules), ...(single ? [single] : [])].flatMap(
    (rule) => text(at(rule, "applyServerSideEncryptionByDefault", "sseAlgorithm")) ?? [],
  );
}

/**
 * Default encryption is declared, not assumed: the declaration is what reviews and audits see,
 * and it is where a KMS key is chosen.
 */
export const s3Encrypted: StackValidationPolicy = {
  name: "s3-encrypted",
  description: "Every S3 bucket declares default server-side encryption.",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateStack: (args, report) => {
    const { algorithms } = settings.read(args);
    const configurations = ofType(args.resources, ...ENCRYPTION_TYPES);
    for (const bucket of ofType(args.resources, ...BUCKET_TYPES)) {
      const inline = bucket.props.serverSideEncryptionConfiguration as Props | undefined;
      const declared = [inline, ...attachedTo(bucket, configurations).map((c) => c.props)].flatMap(
        algorithmsOf,
      );
      if (!declared.some((a) => algorithms.includes(a))) {
        report(`Bucket declares no default encryption with ${algorithms.join(" or ")}.`, bucket.urn);
      }
    }
  },
};
