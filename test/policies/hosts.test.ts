import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import { describe, it } from "node:test";
import { ebsEncrypted } from "../../policies/rules/ebsEncrypted";
import { ec2Imdsv2 } from "../../policies/rules/ec2Imdsv2";
import { userDataNoSecrets } from "../../policies/rules/userDataNoSecrets";
import { checkResource, planned } from "./support/helpers";

const INSTANCE = "aws:ec2/instance:Instance";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const base64 = (text: string) => Buffer.from(text).toString("base64");

describe("ec2-imdsv2-required", () => {
  it("passes instances and launch templates that require tokens", async () => {
    const metadataOptions = { httpTokens: "required", httpEndpoint: "enabled" };
    assert.deepEqual(await checkResource(ec2Imdsv2, planned(INSTANCE, "etcd-0", { metadataOptions })), []);
    assert.deepEqual(
      await checkResource(ec2Imdsv2, planned(LAUNCH_TEMPLATE, "edge", { metadataOptions })),
      [],
    );
  });

  it("reports optional tokens and unset metadata options", async () => {
    const optional = planned(LAUNCH_TEMPLATE, "edge", { metadataOptions: { httpTokens: "optional" } });
    assert.deepEqual(await checkResource(ec2Imdsv2, optional), [
      'metadataOptions.httpTokens is "optional"; set it to "required".',
    ]);
    assert.equal((await checkResource(ec2Imdsv2, planned(INSTANCE, "etcd-0", {}))).length, 1);
  });

  it("requires EKS node groups to bring their own launch template", async () => {
    const nodeGroup = "aws:eks/nodeGroup:NodeGroup";
    assert.equal((await checkResource(ec2Imdsv2, planned(nodeGroup, "general", {}))).length, 1);
    const withTemplate = planned(nodeGroup, "general", { launchTemplate: { id: "lt-id", version: "1" } });
    assert.deepEqual(await checkResource(ec2Imdsv2, withTemplate), []);
  });
});

describe("ebs-encrypted", () => {
  it("passes encrypted volumes, root devices and launch-template mappings", async () => {
    const volume = planned("aws:ebs/volume:Volume", "etcd-0-data", { encrypted: true, size: 20 });
    const instance = planned(INSTANCE, "etcd-0", { rootBlockDevice: { encrypted: true } });
    const template = planned(LAUNCH_TEMPLATE, "edge", {
      blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
    });
    for (const r of [volume, instance, template])
      assert.deepEqual(await checkResource(ebsEncrypted, r), [], r.name);
  });

  it("reports unencrypted volumes and devices", async () => {
    const volume = planned("aws:ebs/volume:Volume", "etcd-0-data", { size: 20 });
    assert.deepEqual(await checkResource(ebsEncrypted, volume), ["EBS volume is not encrypted."]);
    const instance = planned(INSTANCE, "etcd-0", {
      rootBlockDevice: { encrypted: true },
      ebsBlockDevices: [{ deviceName: "/dev/sdf", encrypted: false }],
    });
    assert.deepEqual(await checkResource(ebsEncrypted, instance), ["device /dev/sdf is not encrypted."]);
  });

  it("reports a launch-template device whose encrypted flag is unset or false", async () => {
    const template = planned(LAUNCH_TEMPLATE, "edge", {
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } },
        { deviceName: "/dev/xvdb", ebs: { volumeSize: 50 } },
        { deviceName: "/dev/xvdc", ebs: { encrypted: "false", volumeSize: 50 } },
      ],
    });
    assert.deepEqual(await checkResource(ebsEncrypted, template), [
      "device /dev/xvdb is not encrypted.",
      "device /dev/xvdc is not encrypted.",
    ]);
  });

  it("reports root devices left to the AMI", async () => {
    assert.deepEqual(await checkResource(ebsEncrypted, planned(INSTANCE, "etcd-0", {})), [
      "root device (rootBlockDevice not declared) is not encrypted.",
    ]);
    assert.deepEqual(await checkResource(ebsEncrypted, planned(LAUNCH_TEMPLATE, "edge", {})), [
      "root device (no block device mapping declared) is not encrypted.",
    ]);
  });
});

describe("user-data-no-secrets", () => {
  const CLEAN = [
    "#cloud-config",
    "ssh_pwauth: false",
    "runcmd:",
    "  - export DB_PASSWORD=$(aws secretsmanager get-secret-value --secret-id db --query SecretString --output text)",
    "  - etcd --initial-cluster-token=switchyard-prod --peer-key-file=/etc/etcd/pki/peer.key",
    "  - echo 'password_file: /run/secrets/db'",
  ].join("\n");

  it("passes user-data that fetches secrets at boot", async () => {
    assert.deepEqual(
      await checkResource(userDataNoSecrets, planned(INSTANCE, "db", { userData: CLEAN })),
      [],
    );
    const template = planned(LAUNCH_TEMPLATE, "edge", { userData: base64(CLEAN) });
    assert.deepEqual(await checkResource(userDataNoSecrets, template), []);
  });

  it("reports a literal password in an instance's user-data", async () => {
    const userData = "#!/bin/bash\nMYSQL_ROOT_PASSWORD=hunter2 mysqld --initialize\n";
    assert.deepEqual(await checkResource(userDataNoSecrets, planned(INSTANCE, "db", { userData })), [
      'userData contains a literal value for "MYSQL_ROOT_PASSWORD".',
    ]);
  });

  it("decodes an instance's userDataBase64 (plain and gzip) and reports what it hides", async () => {
    const script = "#!/bin/bash\nMYSQL_ROOT_PASSWORD=hunter2 mysqld --initialize\n";
    for (const userDataBase64 of [base64(script), gzipSync(Buffer.from(script)).toString("base64")]) {
      assert.deepEqual(await checkResource(userDataNoSecrets, planned(INSTANCE, "db", { userDataBase64 })), [
        'userDataBase64 contains a literal value for "MYSQL_ROOT_PASSWORD".',
      ]);
    }
    const clean = planned(INSTANCE, "db", { userDataBase64: base64(CLEAN) });
    assert.deepEqual(await checkResource(userDataNoSecrets, clean), []);
  });

  it("decodes base64 and gzip to find a private key in a launch template", async () => {
    const pem = "write_files:\n  - content: |\n      -----BEGIN EC PRIVATE KEY-----\n      MHcCAQEE\n";
    const userData = gzipSync(Buffer.from(pem)).toString("base64");
    assert.deepEqual(await checkResource(userDataNoSecrets, planned(LAUNCH_TEMPLATE, "etcd", { userData })), [
      "userData contains a private key.",
    ]);
  });

  it("reports access keys and Pulumi secrets", async () => {
    const keys = planned(INSTANCE, "db", { userData: "export AWS_ACCESS_KEY_ID=AKIAABCDEFGHIJKLMNOP" });
    assert.deepEqual(await checkResource(userDataNoSecrets, keys), [
      "userData contains an AWS access key id.",
    ]);
    const secret = planned(LAUNCH_TEMPLATE, "etcd", { userData: "[secret]" });
    assert.deepEqual(await checkResource(userDataNoSecrets, secret), [
      "userData contains a Pulumi secret (stored in plain text in state as user-data).",
    ]);
  });
});

describe("host policies: which resources and which properties", () => {
  const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
  const script = "#!/bin/bash\nMYSQL_ROOT_PASSWORD=hunter2\n";

  it("user-data: instances and launch configurations in plain text and base64, templates in base64", async () => {
    for (const type of [INSTANCE, LAUNCH_CONFIGURATION]) {
      const both = planned(type, "db", {
        userData: script,
        userDataBase64: base64("-----BEGIN PRIVATE KEY-----"),
      });
      assert.deepEqual(
        await checkResource(userDataNoSecrets, both),
        [
          'userData contains a literal value for "MYSQL_ROOT_PASSWORD".',
          "userDataBase64 contains a private key.",
        ],
        type,
      );
    }
    // A launch template's userData is base64: the same text is decoded first, so plain text passes as given.
    const template = planned(LAUNCH_TEMPLATE, "lt", { userData: base64(script) });
    assert.deepEqual(await checkResource(userDataNoSecrets, template), [
      'userData contains a literal value for "MYSQL_ROOT_PASSWORD".',
    ]);
    const several = planned(INSTANCE, "db", { userData: `${script}AKIAABCDEFGHIJKLMNOP\n` });
    assert.deepEqual(await checkResource(userDataNoSecrets, several), [
      'userData contains an AWS access key id, a literal value for "MYSQL_ROOT_PASSWORD".',
    ]);
    const other = planned("aws:ssm/parameter:Parameter", "p", { userData: script });
    assert.deepEqual(await checkResource(userDataNoSecrets, other), []);
  });

  it("IMDSv2: exact guidance, metadata turned off passes, other resources are not checked", async () => {
    for (const type of [INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION]) {
      assert.deepEqual(await checkResource(ec2Imdsv2, planned(type, "h", {})), [
        'metadataOptions.httpTokens is "unset"; set it to "required".',
      ]);
      const optional = planned(type, "h", { metadataOptions: { httpTokens: "optional" } });
      assert.deepEqual(await checkResource(ec2Imdsv2, optional), [
        'metadataOptions.httpTokens is "optional"; set it to "required".',
      ]);
      const off = planned(type, "h", { metadataOptions: { httpEndpoint: "disabled" } });
      assert.deepEqual(await checkResource(ec2Imdsv2, off), []);
      const on = planned(type, "h", { metadataOptions: { httpEndpoint: "enabled" } });
      assert.equal((await checkResource(ec2Imdsv2, on)).length, 1);
    }
    assert.deepEqual(await checkResource(ec2Imdsv2, planned("aws:eks/nodeGroup:NodeGroup", "n", {})), [
      "EKS node group has no launch template requiring IMDSv2.",
    ]);
    assert.deepEqual(await checkResource(ec2Imdsv2, planned("aws:ec2/vpc:Vpc", "v", {})), []);
  });
});
