import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { dataVolumesProtected } from "../../policies/rules/dataVolumesProtected";
import { s3BlockPublicAccess } from "../../policies/rules/s3BlockPublicAccess";
import { s3Encrypted } from "../../policies/rules/s3Encrypted";
import { awsProvider, checkStack, dependingOn, idOf, planned } from "./support/helpers";

const VOLUME = "aws:ebs/volume:Volume";
const provider = awsProvider({ Project: "switchyard", Stack: "test", ManagedBy: "pulumi" });
const volume = (name: string, tags: Record<string, string>, options = {}) =>
  planned(VOLUME, name, { encrypted: true, size: 50, tags }, { provider, options });
const dlm = (targetTags: Record<string, string>, state = "ENABLED") =>
  planned("aws:dlm/lifecyclePolicy:LifecyclePolicy", "snapshots", {
    state,
    policyDetails: { resourceTypes: ["VOLUME"], targetTags, schedules: [{ name: "daily" }] },
  });

describe("data-volumes-protected", () => {
  const etcd = volume("etcd-0-data", { Role: "etcd", Backup: "daily" }, { protect: true });

  it("passes a protected data volume that a DLM policy snapshots", async () => {
    assert.deepEqual(await checkStack(dataVolumesProtected, [provider, etcd, dlm({ Backup: "daily" })]), []);
  });

  it("matches DLM target tags against provider default tags too", async () => {
    assert.deepEqual(
      await checkStack(dataVolumesProtected, [provider, etcd, dlm({ Stack: "test", Role: "etcd" })]),
      [],
    );
  });

  it("accepts retainOnDelete and AWS Backup selections by tag or by reference", async () => {
    const mysql = volume("mysql-primary-data", { Role: "mysql" }, { retainOnDelete: true });
    const byTag = planned("aws:backup/selection:Selection", "by-tag", {
      selectionTags: [{ type: "STRINGEQUALS", key: "Role", value: "mysql" }],
    });
    const byReference = dependingOn(
      planned("aws:backup/selection:Selection", "by-ref", { resources: [idOf(mysql)] }),
      mysql,
    );
    assert.deepEqual(await checkStack(dataVolumesProtected, [provider, mysql, byTag]), []);
    assert.deepEqual(await checkStack(dataVolumesProtected, [provider, mysql, byReference]), []);
  });

  it("reports an unprotected volume that no snapshot policy covers", async () => {
    const mongo = volume("mongodb-0-data", { Role: "mongodb" });
    assert.deepEqual(await checkStack(dataVolumesProtected, [provider, mongo, dlm({ Backup: "daily" })]), [
      "mongodb-0-data: Data volume is neither protected nor retained on delete.",
      "mongodb-0-data: Data volume is covered by no DLM lifecycle policy or AWS Backup selection.",
    ]);
  });

  it("does not count a disabled DLM policy and finds untagged data volumes by name", async () => {
    const untagged = volume("etcd-2-data", {}, { protect: true });
    assert.deepEqual(
      await checkStack(dataVolumesProtected, [provider, untagged, dlm({ Stack: "test" }, "DISABLED")]),
      ["etcd-2-data: Data volume is covered by no DLM lifecycle policy or AWS Backup selection."],
    );
  });

  it("ignores volumes that hold no platform data", async () => {
    assert.deepEqual(
      await checkStack(dataVolumesProtected, [provider, volume("scratch", { Role: "ci" })]),
      [],
    );
  });
});

describe("data-volumes-protected: what covers a volume", () => {
  const etcd = volume("etcd-0-data", { Role: "etcd", Backup: "daily" }, { protect: true });
  const uncovered = [
    "etcd-0-data: Data volume is covered by no DLM lifecycle policy or AWS Backup selection.",
  ];
  const check = (...others: ReturnType<typeof planned>[]) =>
    checkStack(dataVolumesProtected, [provider, etcd, ...others]);
  const selection = (name: string, inputs: Record<string, unknown>) =>
    planned("aws:backup/selection:Selection", name, inputs);

  it("a DLM policy covers a volume only with target tags that all match", async () => {
    assert.deepEqual(await check(dlm({})), uncovered);
    assert.deepEqual(await check(dlm({ Role: "etcd", Backup: "weekly" })), uncovered);
    assert.deepEqual(await check(dlm({ Backup: "weekly" }), dlm({ Role: "etcd", Backup: "daily" })), []);
  });

  it("a backup selection covers by an equal tag, by an all-volumes ARN or by referring to the volume", async () => {
    const tag = (type: string, value: string) => ({ type, key: "Role", value });
    assert.deepEqual(
      await check(selection("like", { selectionTags: [tag("STRINGLIKE", "etcd")] })),
      uncovered,
    );
    assert.deepEqual(
      await check(selection("other", { selectionTags: [tag("STRINGEQUALS", "mysql")] })),
      uncovered,
    );
    const either = selection("either", {
      selectionTags: [tag("STRINGEQUALS", "mysql"), tag("STRINGEQUALS", "etcd")],
    });
    assert.deepEqual(await check(either), []);
    for (const arn of ["*", "arn:aws:ec2:*:*:volume/*"])
      assert.deepEqual(
        await check(selection("all", { resources: ["arn:aws:ec2:eu-west-1:1:volume/vol-1", arn] })),
        [],
      );
    assert.deepEqual(
      await check(selection("one", { resources: ["arn:aws:ec2:eu-west-1:1:volume/vol-1"] })),
      uncovered,
    );
    const other = volume("scratch", { Role: "ci" });
    const refOther = dependingOn(selection("ref", { resources: [idOf(other)] }), other);
    assert.deepEqual(await check(other, refOther), uncovered);
    const refBoth = dependingOn(selection("ref", { resources: [idOf(other), idOf(etcd)] }), other, etcd);
    assert.deepEqual(await check(other, refBoth), []);
  });

  it("data volumes are found by Role tag or by name, from the configured roles", async () => {
    const tagged = volume("disk-1", { Role: "mysql" });
    const named = volume("kafka-0-data", {});
    assert.deepEqual(await checkStack(dataVolumesProtected, [provider, tagged, named]), [
      "disk-1: Data volume is neither protected nor retained on delete.",
      "disk-1: Data volume is covered by no DLM lifecycle policy or AWS Backup selection.",
    ]);
    assert.deepEqual(
      await checkStack(dataVolumesProtected, [provider, tagged, named], { dataRoles: ["Kafka"] }),
      [
        "kafka-0-data: Data volume is neither protected nor retained on delete.",
        "kafka-0-data: Data volume is covered by no DLM lifecycle policy or AWS Backup selection.",
      ],
    );
  });
});

describe("s3 buckets", () => {
  const bucket = planned("aws:s3/bucket:Bucket", "flow-logs", { bucket: "switchyard-flow-logs" });
  const attached = (type: string, name: string, inputs: Record<string, unknown>) =>
    dependingOn(planned(type, name, { bucket: idOf(bucket), ...inputs }), bucket);
  const block = (value: boolean) =>
    attached("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", "flow-logs-block", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: value,
    });
  const encryption = (sseAlgorithm: string) =>
    attached(
      "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
      "sse",
      {
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm } }],
      },
    );

  it("s3-block-public-access passes a bucket whose block sets all four flags", async () => {
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket, block(true)]), []);
  });

  it("s3-block-public-access reports a missing or partial block", async () => {
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket]), [
      "flow-logs: Bucket has no public access block.",
    ]);
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket, block(false)]), [
      "flow-logs: Bucket's public access block must set blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets.",
    ]);
  });

  it("s3-block-public-access accepts an account-wide block", async () => {
    const account = planned("aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock", "account", {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket, account]), []);
  });

  it("a bucket's settings come from resources naming it, by reference or by its literal name", async () => {
    const other = planned("aws:s3/bucketV2:BucketV2", "audit", { bucket: "switchyard-audit" });
    const byName = (bucketName: string) =>
      planned("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock", `block-${bucketName}`, {
        bucket: bucketName,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      });
    // flow-logs' block (by reference) does not cover audit; audit's block by name does.
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket, other, block(true)]), [
      "audit: Bucket has no public access block.",
    ]);
    assert.deepEqual(
      await checkStack(s3BlockPublicAccess, [bucket, other, block(true), byName("switchyard-audit")]),
      [],
    );
    // A block naming some other bucket covers neither.
    assert.deepEqual(await checkStack(s3BlockPublicAccess, [bucket, other, byName("switchyard-elsewhere")]), [
      "flow-logs: Bucket has no public access block.",
      "audit: Bucket has no public access block.",
    ]);
  });

  it("s3-encrypted passes KMS default encryption, separate or inline", async () => {
    assert.deepEqual(await checkStack(s3Encrypted, [bucket, encryption("aws:kms")]), []);
    const inline = planned("aws:s3/bucket:Bucket", "inline", {
      serverSideEncryptionConfiguration: {
        rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      },
    });
    assert.deepEqual(await checkStack(s3Encrypted, [inline]), []);
  });

  it("s3-encrypted reports buckets without default encryption or with a disallowed algorithm", async () => {
    const message =
      "flow-logs: Bucket declares no default encryption with aws:kms or aws:kms:dsse or AES256.";
    assert.deepEqual(await checkStack(s3Encrypted, [bucket]), [message]);
    const kmsOnly = { algorithms: ["aws:kms"] };
    assert.deepEqual(await checkStack(s3Encrypted, [bucket, encryption("AES256")], kmsOnly), [
      "flow-logs: Bucket declares no default encryption with aws:kms.",
    ]);
  });
});
