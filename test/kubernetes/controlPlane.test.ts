import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../components/config";
import { adminAccessName } from "../../components/kubernetes/controlPlane/access";
import { descendantsOf } from "../helpers/plan";
import { clusterComponent, custom, CUSTOM, inCluster, inputs, one, prod } from "./support/fixtures";

const EKS = "aws:eks/cluster:Cluster";

describe("EKS control plane", () => {
  test("every resource of the component is its descendant, and the component is built from AWS primitives", () => {
    const plan = prod();
    const component = clusterComponent(plan);
    const children = descendantsOf(plan, component.urn);
    assert.ok(children.some((r) => r.type === EKS));
    assert.ok(!plan.resources.some((r) => r.type.startsWith("eks:")), "no @pulumi/eks remote components");
    // Nothing of the cluster is declared outside it.
    for (const type of [
      EKS,
      "aws:eks/nodeGroup:NodeGroup",
      "aws:eks/addon:Addon",
      "kubernetes:core/v1:Namespace",
    ]) {
      const all = plan.resources.filter((r) => r.type === type);
      assert.ok(all.length > 0, type);
      assert.deepEqual(
        all.filter((r) => !children.includes(r)).map((r) => r.name),
        [],
        type,
      );
    }
  });

  test("runs the configured version, named after the stack, in the private subnets", () => {
    const cluster = inputs(one(prod(), EKS));
    assert.equal(cluster.version, "1.33");
    assert.equal(cluster.name, "switchyard-prod");
    assert.deepEqual(cluster.vpcConfig.subnetIds, [
      "switchyard-private-eu-west-1a-id",
      "switchyard-private-eu-west-1b-id",
      "switchyard-private-eu-west-1c-id",
    ]);
    assert.equal(inputs(one(custom(), EKS)).version, "1.32");
  });

  test("the API endpoint is private only by default", () => {
    const vpc = inputs(one(prod(), EKS)).vpcConfig;
    assert.equal(vpc.endpointPrivateAccess, true);
    assert.equal(vpc.endpointPublicAccess, false);
    assert.equal(vpc.publicAccessCidrs, undefined);
  });

  test("a public endpoint is open only to the configured CIDRs", () => {
    const vpc = inputs(one(custom(), EKS)).vpcConfig;
    assert.equal(vpc.endpointPrivateAccess, true);
    assert.equal(vpc.endpointPublicAccess, true);
    assert.deepEqual(vpc.publicAccessCidrs, CUSTOM.publicAccessCidrs);
  });

  test("a public endpoint without CIDRs is refused by config validation (EKS would open it to the world)", () => {
    assert.throws(
      () =>
        parseConfig({
          "aws:region": "eu-west-1",
          "switchyard:kubernetes": JSON.stringify({ endpointPublicAccess: true }),
        }),
      /switchyard:kubernetes\.publicAccessCidrs: expected at least one publicAccessCidrs entry/,
    );
  });

  test("secrets are envelope-encrypted with a rotated KMS key the cluster role may use", () => {
    const plan = prod();
    const key = one(plan, "aws:kms/key:Key");
    assert.equal(inputs(key).enableKeyRotation, true);
    const keyArn = `arn:aws:kms:eu-west-1:123456789012:key/${key.name}`;
    assert.deepEqual(inputs(one(plan, EKS)).encryptionConfig, {
      provider: { keyArn },
      resources: ["secrets"],
    });
    const use = inCluster(plan, "aws:iam/rolePolicy:RolePolicy").find((r) => r.name.endsWith("secrets-key"))!;
    const statement = JSON.parse(inputs(use).policy).Statement[0];
    assert.equal(statement.Resource, keyArn);
    assert.ok(statement.Action.includes("kms:Decrypt") && statement.Action.includes("kms:Encrypt"));
  });

  test("api, audit and authenticator logs go to a log group with retention, created before the cluster", () => {
    for (const [plan, days] of [
      [prod(), 90],
      [custom(), CUSTOM.logRetentionDays],
    ] as const) {
      const cluster = one(plan, EKS);
      assert.deepEqual(inputs(cluster).enabledClusterLogTypes, ["api", "audit", "authenticator"]);
      const group = one(plan, "aws:cloudwatch/logGroup:LogGroup");
      assert.equal(inputs(group).name, "/aws/eks/switchyard-prod/cluster");
      assert.equal(inputs(group).retentionInDays, days);
      assert.ok(cluster.options.dependsOn.includes(group.urn), "cluster must wait for its log group");
    }
  });

  test("access is by API access entries only, with cluster admin for each configured role", () => {
    const plan = custom();
    assert.deepEqual(inputs(one(plan, EKS)).accessConfig, {
      authenticationMode: "API",
      bootstrapClusterCreatorAdminPermissions: false,
    });
    const entries = inCluster(plan, "aws:eks/accessEntry:AccessEntry");
    const associations = inCluster(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation");
    assert.deepEqual(entries.map((e) => inputs(e).principalArn).sort(), [...CUSTOM.adminRoleArns].sort());
    for (const arn of CUSTOM.adminRoleArns) {
      const assoc = associations.find((a) => inputs(a).principalArn === arn);
      assert.ok(assoc, arn);
      assert.equal(
        inputs(assoc).policyArn,
        "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
      );
      assert.deepEqual(inputs(assoc).accessScope, { type: "cluster" });
      const entry = entries.find((e) => inputs(e).principalArn === arn)!;
      assert.ok(assoc.options.dependsOn.includes(entry.urn));
    }
    // The Kubernetes provider waits for the grants, or its first call would be refused.
    const provider = one(plan, "pulumi:providers:kubernetes");
    for (const assoc of associations) assert.ok(provider.options.dependsOn.includes(assoc.urn));
  });

  test("access entry names come from the role, so reordering adminRoleArns replaces nothing", () => {
    assert.equal(
      adminAccessName("sy", "arn:aws:iam::123456789012:role/platform/admins"),
      "sy-admin-platform-admins",
    );
    assert.equal(adminAccessName("sy", "arn:aws:iam::123456789012:role/ci-deploy"), "sy-admin-ci-deploy");
  });

  test("an IAM OIDC provider for the cluster's issuer serves service-account roles", () => {
    const plan = prod();
    const oidc = inputs(one(plan, "aws:iam/openIdConnectProvider:OpenIdConnectProvider"));
    assert.equal(oidc.url, "https://oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF");
    assert.deepEqual(oidc.clientIdLists, ["sts.amazonaws.com"]);
  });
});
