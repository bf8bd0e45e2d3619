import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  eksControlPlaneLogging,
  eksEndpointRestricted,
  eksSecretsEncryption,
} from "../../policies/rules/eks";
import { launchedResourcesTagged } from "../../policies/rules/launchedResourcesTagged";
import { requiredTags } from "../../policies/rules/requiredTags";
import { awsProvider, checkResource, planned } from "./support/helpers";

const REQUIRED = { Project: "switchyard", Stack: "test", ManagedBy: "pulumi" };

describe("required-tags", () => {
  const tagged = awsProvider(REQUIRED);
  const bare = awsProvider({});

  it("passes resources whose provider default tags carry the keys", async () => {
    const vpc = planned(
      "aws:ec2/vpc:Vpc",
      "main",
      { cidrBlock: "10.0.0.0/16", tags: { Name: "main" } },
      { provider: tagged },
    );
    assert.deepEqual(await checkResource(requiredTags, vpc, { others: [tagged] }), []);
  });

  it("passes resources that carry the keys themselves", async () => {
    const vpc = planned("aws:ec2/vpc:Vpc", "main", { tags: REQUIRED }, { provider: bare });
    assert.deepEqual(await checkResource(requiredTags, vpc, { others: [bare] }), []);
  });

  it("reports taggable resources without the keys, even with no tags property", async () => {
    const instance = planned("aws:ec2/instance:Instance", "etcd-0", {}, { provider: bare });
    assert.deepEqual(await checkResource(requiredTags, instance, { others: [bare] }), [
      "Missing tag(s) Project, Stack, ManagedBy.",
    ]);
    const partial = planned(
      "aws:ec2/subnet:Subnet",
      "a",
      { tags: { Project: "switchyard" } },
      { provider: bare },
    );
    assert.deepEqual(await checkResource(requiredTags, partial, { others: [bare] }), [
      "Missing tag(s) Stack, ManagedBy.",
    ]);
  });

  it("does not let default tags stand in for an auto-scaling group's own", async () => {
    const asg = planned("aws:autoscaling/group:Group", "haproxy", { tags: [] }, { provider: tagged });
    assert.deepEqual(await checkResource(requiredTags, asg, { others: [tagged] }), [
      "Missing tag(s) Project, Stack, ManagedBy.",
    ]);
    const own = Object.entries(REQUIRED).map(([key, value]) => ({ key, value, propagateAtLaunch: true }));
    const fixed = planned("aws:autoscaling/group:Group", "haproxy", { tags: own }, { provider: tagged });
    assert.deepEqual(await checkResource(requiredTags, fixed, { others: [tagged] }), []);
  });

  it("skips non-AWS resources and AWS resources that cannot be tagged", async () => {
    const route = planned(
      "aws:ec2/route:Route",
      "default",
      { destinationCidrBlock: "0.0.0.0/0" },
      { provider: bare },
    );
    assert.deepEqual(await checkResource(requiredTags, route, { others: [bare] }), []);
    assert.deepEqual(
      await checkResource(requiredTags, planned("kubernetes:core/v1:Namespace", "apps", {})),
      [],
    );
  });
});

describe("launched-resources-tagged", () => {
  const template = (tagSpecifications: unknown[]) =>
    planned("aws:ec2/launchTemplate:LaunchTemplate", "edge-blue", { tagSpecifications, tags: REQUIRED });

  it("passes a launch template that tags the instances and volumes it starts", async () => {
    const specs = ["instance", "volume"].map((resourceType) => ({
      resourceType,
      tags: { ...REQUIRED, Name: "edge" },
    }));
    assert.deepEqual(await checkResource(launchedResourcesTagged, template(specs)), []);
  });

  it("reports launched resources that only the template itself tags", async () => {
    const specs = [{ resourceType: "instance", tags: { Name: "edge", Project: "switchyard" } }];
    assert.deepEqual(await checkResource(launchedResourcesTagged, template(specs)), [
      "Launched instances lack tag(s) Stack, ManagedBy.",
      "Launched volumes lack tag(s) Project, Stack, ManagedBy.",
    ]);
  });
});

describe("eks cluster policies", () => {
  const hardened = {
    encryptionConfig: {
      provider: { keyArn: "arn:aws:kms:eu-west-1:123456789012:key/k8s" },
      resources: ["secrets"],
    },
    enabledClusterLogTypes: ["api", "audit", "authenticator", "controllerManager"],
    vpcConfig: { endpointPublicAccess: true, publicAccessCidrs: ["198.51.100.0/24"], subnetIds: [] },
  };
  const cluster = (props: Record<string, unknown>) => planned("aws:eks/cluster:Cluster", "k8s", props);

  it("pass a hardened cluster", async () => {
    for (const policy of [eksSecretsEncryption, eksControlPlaneLogging, eksEndpointRestricted]) {
      assert.deepEqual(await checkResource(policy, cluster(hardened)), [], policy.name);
    }
  });

  it("eks-secrets-encryption reports a cluster without a KMS key for secrets", async () => {
    assert.equal(
      (await checkResource(eksSecretsEncryption, cluster({ ...hardened, encryptionConfig: undefined })))
        .length,
      1,
    );
    const noKey = { ...hardened, encryptionConfig: { resources: ["secrets"] } };
    assert.equal((await checkResource(eksSecretsEncryption, cluster(noKey))).length, 1);
  });

  it("eks-control-plane-logging reports missing log types", async () => {
    assert.deepEqual(
      await checkResource(eksControlPlaneLogging, cluster({ ...hardened, enabledClusterLogTypes: ["api"] })),
      ["Control-plane log types not enabled: audit, authenticator."],
    );
  });

  it("eks-endpoint-restricted reports an endpoint open to the world, explicitly or by default", async () => {
    const open = { ...hardened, vpcConfig: { publicAccessCidrs: ["0.0.0.0/0"] } };
    assert.deepEqual(await checkResource(eksEndpointRestricted, cluster(open)), [
      "The public API endpoint is open to 0.0.0.0/0.",
    ]);
    assert.equal(
      (await checkResource(eksEndpointRestricted, cluster({ ...hardened, vpcConfig: {} }))).length,
      1,
    );
    const privateOnly = {
      ...hardened,
      vpcConfig: { endpointPublicAccess: false, endpointPrivateAccess: true },
    };
    assert.deepEqual(await checkResource(eksEndpointRestricted, cluster(privateOnly)), []);
  });
});

describe("required-tags: the types checked without a tags property", () => {
  const bare = awsProvider({});
  it("reports each always-taggable type that declares no tags", async () => {
    for (const type of [
      "aws:ec2/instance:Instance",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:ebs/volume:Volume",
      "aws:eks/cluster:Cluster",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:autoscaling/group:Group",
      "aws:ec2/vpc:Vpc",
      "aws:ec2/subnet:Subnet",
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:lb/loadBalancer:LoadBalancer",
      "aws:elb/loadBalancer:LoadBalancer",
      "aws:s3/bucket:Bucket",
      "aws:kms/key:Key",
    ]) {
      const resource = planned(type, "r", {}, { provider: bare });
      assert.deepEqual(
        await checkResource(requiredTags, resource, { others: [bare] }),
        ["Missing tag(s) Project, Stack, ManagedBy."],
        type,
      );
    }
    // Other AWS types are checked once they have tags; the keys come from pack config.
    const role = planned("aws:iam/role:Role", "r", { tags: { Project: "x" } }, { provider: bare });
    assert.deepEqual(
      await checkResource(requiredTags, role, { others: [bare], config: { tags: ["Project", "Team"] } }),
      ["Missing tag(s) Team."],
    );
    const untaggedRole = planned("aws:iam/role:Role", "r", {}, { provider: bare });
    assert.deepEqual(await checkResource(requiredTags, untaggedRole, { others: [bare] }), []);
    const foreign = planned("random:index/randomPassword:RandomPassword", "p", { tags: {} });
    assert.deepEqual(await checkResource(requiredTags, foreign), []);
  });
});

describe("eks cluster policies: scope and messages", () => {
  const cluster = (props: Record<string, unknown>) => planned("aws:eks/cluster:Cluster", "k8s", props);
  it("only EKS clusters are checked", async () => {
    const other = planned("aws:eks/nodeGroup:NodeGroup", "n", {});
    for (const policy of [eksSecretsEncryption, eksControlPlaneLogging, eksEndpointRestricted])
      assert.deepEqual(await checkResource(policy, other), [], policy.name);
  });

  it("name the missing KMS key, the world ranges and default-open endpoints", async () => {
    assert.deepEqual(await checkResource(eksSecretsEncryption, cluster({})), [
      'encryptionConfig must name a KMS key and include "secrets".',
    ]);
    const mixed = { vpcConfig: { publicAccessCidrs: ["198.51.100.0/24", "0.0.0.0/0", "::/0"] } };
    assert.deepEqual(await checkResource(eksEndpointRestricted, cluster(mixed)), [
      "The public API endpoint is open to 0.0.0.0/0, ::/0.",
    ]);
    for (const props of [{}, { vpcConfig: {} }])
      assert.deepEqual(await checkResource(eksEndpointRestricted, cluster(props)), [
        "The public API endpoint is open to 0.0.0.0/0.",
      ]);
    assert.deepEqual(
      await checkResource(eksControlPlaneLogging, cluster({ enabledClusterLogTypes: ["api"] }), {
        config: { logTypes: ["api", "scheduler"] },
      }),
      ["Control-plane log types not enabled: scheduler."],
    );
  });
});
