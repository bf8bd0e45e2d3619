import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { corednsValues } from "../../components/kubernetes/addons/plan";
import { serviceAccountTrustPolicy } from "../../components/kubernetes/controlPlane/policies";
import type { PlannedResource } from "../../scripts/lib/evaluate";
import { autoName } from "../../scripts/lib/mocks";
import type { Plan } from "../helpers/plan";
import { custom, inCluster, inputs, one, prod } from "./support/fixtures";

const ADDON = "aws:eks/addon:Addon";
const ISSUER = "oidc.eks.eu-west-1.amazonaws.com/id/0123456789ABCDEF";
const OIDC_ARN = "arn:aws:iam:eu-west-1:123456789012:openidconnectprovider/switchyard-oidc";

function addon(plan: Plan, name: string): PlannedResource {
  const found = inCluster(plan, ADDON).find((a) => inputs(a).addonName === name);
  assert.ok(found, `add-on ${name}`);
  return found;
}

function role(plan: Plan, name: string): PlannedResource {
  return inCluster(plan, "aws:iam/role:Role").find((r) => r.name === name)!;
}

describe("EKS managed add-ons", () => {
  test("exactly the five add-ons, managed by this stack", () => {
    const addons = inCluster(prod(), ADDON);
    assert.deepEqual(addons.map((a) => inputs(a).addonName).sort(), [
      "aws-ebs-csi-driver",
      "coredns",
      "eks-pod-identity-agent",
      "kube-proxy",
      "vpc-cni",
    ]);
    for (const a of addons) {
      assert.equal(inputs(a).clusterName, "switchyard-prod");
      assert.equal(inputs(a).resolveConflictsOnUpdate, "OVERWRITE");
    }
    // The add-ons replace EKS's unmanaged copies, which are therefore not installed.
    assert.equal(inputs(one(prod(), "aws:eks/cluster:Cluster")).bootstrapSelfManagedAddons, false);
  });

  test("networking add-ons come before the nodes; DNS and storage after them", () => {
    const plan = prod();
    const group = one(plan, "aws:eks/nodeGroup:NodeGroup");
    for (const name of ["vpc-cni", "kube-proxy", "eks-pod-identity-agent"]) {
      assert.ok(group.options.dependsOn.includes(addon(plan, name).urn), `node group waits for ${name}`);
    }
    for (const name of ["coredns", "aws-ebs-csi-driver"]) {
      assert.ok(addon(plan, name).options.dependsOn.includes(group.urn), `${name} waits for the nodes`);
    }
  });

  test("the EBS CSI driver has its own role: only its controller's service account, only AmazonEBSCSIDriverPolicy", () => {
    const plan = prod();
    const ebs = role(plan, "switchyard-aws-ebs-csi-driver");
    assert.equal(
      inputs(addon(plan, "aws-ebs-csi-driver")).serviceAccountRoleArn,
      `arn:aws:iam:eu-west-1:123456789012:role/${ebs.name}`,
    );
    const statement = JSON.parse(inputs(ebs).assumeRolePolicy).Statement;
    assert.equal(statement.length, 1);
    assert.equal(statement[0].Principal.Federated, OIDC_ARN);
    assert.deepEqual(statement[0].Condition.StringEquals, {
      [`${ISSUER}:sub`]: "system:serviceaccount:kube-system:ebs-csi-controller-sa",
      [`${ISSUER}:aud`]: "sts.amazonaws.com",
    });
    const attached = inCluster(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
      (a) => inputs(a).role === autoName(ebs.type, ebs.name),
    );
    assert.deepEqual(
      attached.map((a) => inputs(a).policyArn),
      ["arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy"],
    );
  });

  test("the VPC CNI gets AmazonEKS_CNI_Policy through aws-node's own role", () => {
    const plan = prod();
    const cni = role(plan, "switchyard-vpc-cni");
    assert.equal(
      inputs(addon(plan, "vpc-cni")).serviceAccountRoleArn,
      `arn:aws:iam:eu-west-1:123456789012:role/${cni.name}`,
    );
    const condition = JSON.parse(inputs(cni).assumeRolePolicy).Statement[0].Condition.StringEquals;
    assert.equal(condition[`${ISSUER}:sub`], "system:serviceaccount:kube-system:aws-node");
    const attached = inCluster(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
      (a) => inputs(a).role === autoName(cni.type, cni.name),
    );
    assert.deepEqual(
      attached.map((a) => inputs(a).policyArn),
      ["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"],
    );
  });

  test("add-ons without AWS calls get no role", () => {
    const plan = prod();
    for (const name of ["kube-proxy", "coredns", "eks-pod-identity-agent"]) {
      assert.equal(inputs(addon(plan, name)).serviceAccountRoleArn, undefined, name);
    }
  });

  test("CoreDNS: a replica per AZ, zone-spread, with a disruption budget of one", () => {
    const values = JSON.parse(inputs(addon(prod(), "coredns")).configurationValues);
    assert.equal(values.replicaCount, 3);
    assert.deepEqual(values.podDisruptionBudget, { enabled: true, maxUnavailable: 1 });
    assert.equal(values.topologySpreadConstraints[0].topologyKey, "topology.kubernetes.io/zone");
    assert.deepEqual(values.topologySpreadConstraints[0].labelSelector, {
      matchLabels: { "k8s-app": "kube-dns" },
    });
    // Never fewer than two, even with two AZs.
    assert.equal(corednsValues(2).replicaCount, 2);
  });

  test("the VPC CNI enforces NetworkPolicies (the logging stack's OpenSearch relies on them)", () => {
    const values = JSON.parse(inputs(addon(prod(), "vpc-cni")).configurationValues);
    assert.equal(values.enableNetworkPolicy, "true");
  });

  test("a pinned add-on version is used; unpinned add-ons take the cluster version's default", () => {
    const plan = custom();
    assert.equal(inputs(addon(plan, "coredns")).addonVersion, "v1.12.4-eksbuild.1");
    assert.equal(inputs(addon(plan, "vpc-cni")).addonVersion, undefined);
  });

  test("service-account trust policies strip the issuer's scheme", () => {
    const policy = JSON.parse(
      serviceAccountTrustPolicy({
        oidcProviderArn: "arn",
        issuerUrl: `https://${ISSUER}`,
        namespace: "ns",
        serviceAccount: "sa",
      }),
    );
    assert.deepEqual(Object.keys(policy.Statement[0].Condition.StringEquals), [
      `${ISSUER}:sub`,
      `${ISSUER}:aud`,
    ]);
    assert.equal(policy.Statement[0].Action, "sts:AssumeRoleWithWebIdentity");
  });
});
