import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { parseConfig } from "../../components/config";
import { amiTypeFor } from "../../components/kubernetes/nodes/amiType";
import { autoName } from "../../scripts/lib/mocks";
import { custom, CUSTOM, idOf, inCluster, inputs, one, prod } from "./support/fixtures";

const NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const PRIVATE = ["a", "b", "c"].map((az) => `switchyard-private-eu-west-1${az}-id`);

describe("managed node groups", () => {
  test("one node group per configured group, sized from config, at the cluster's version", () => {
    const groups = inCluster(custom(), NODE_GROUP);
    assert.deepEqual(groups.map((g) => g.name).sort(), ["switchyard-batch", "switchyard-general"]);
    const batch = inputs(groups.find((g) => g.name === "switchyard-batch")!);
    assert.deepEqual(batch.scalingConfig, { minSize: 0, desiredSize: 2, maxSize: 10 });
    assert.deepEqual(batch.instanceTypes, CUSTOM.nodeGroups.batch.instanceTypes);
    assert.equal(batch.capacityType, "SPOT");
    assert.equal(batch.version, "1.32");
    assert.deepEqual(inputs(one(prod(), NODE_GROUP)).scalingConfig, {
      minSize: 4,
      desiredSize: 4,
      maxSize: 12,
    });
  });

  test("nodes are spread over every private subnet, and only those", () => {
    for (const group of [...inCluster(prod(), NODE_GROUP), ...inCluster(custom(), NODE_GROUP)]) {
      assert.deepEqual(inputs(group).subnetIds, PRIVATE, group.name);
    }
  });

  test("labels and taints come from config, plus the node-group label", () => {
    const groups = inCluster(custom(), NODE_GROUP);
    const batch = inputs(groups.find((g) => g.name === "switchyard-batch")!);
    assert.deepEqual(batch.labels, { workload: "batch", "switchyard.io/node-group": "batch" });
    assert.deepEqual(batch.taints, [{ key: "switchyard.io/batch", value: "true", effect: "NO_SCHEDULE" }]);
    const general = inputs(groups.find((g) => g.name === "switchyard-general")!);
    assert.deepEqual(general.labels, { "switchyard.io/node-group": "general" });
    assert.deepEqual(general.taints, []);
  });

  test("the launch template requires IMDSv2 with a hop limit pods cannot reach", () => {
    for (const template of [...inCluster(prod(), LAUNCH_TEMPLATE), ...inCluster(custom(), LAUNCH_TEMPLATE)]) {
      assert.deepEqual(inputs(template).metadataOptions, {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 1,
      });
    }
  });

  test("root volumes are encrypted gp3 of the configured size", () => {
    const templates = inCluster(custom(), LAUNCH_TEMPLATE);
    const ebs = (name: string) => inputs(templates.find((t) => t.name === name)!).blockDeviceMappings[0].ebs;
    assert.deepEqual(ebs("switchyard-batch"), {
      volumeType: "gp3",
      volumeSize: 200,
      encrypted: "true",
      deleteOnTermination: "true",
    });
    assert.equal(ebs("switchyard-general").volumeSize, 50);
    assert.equal(inputs(templates[0]).blockDeviceMappings[0].deviceName, "/dev/xvda");
  });

  test("each group launches from its own template, whose only security group is the nodes group", () => {
    const plan = custom();
    for (const group of inCluster(plan, NODE_GROUP)) {
      const template = inCluster(plan, LAUNCH_TEMPLATE).find((t) => t.name === group.name)!;
      assert.deepEqual(inputs(group).launchTemplate, { id: idOf(template), version: "1" });
      assert.deepEqual(inputs(template).vpcSecurityGroupIds, ["switchyard-nodes-id"]);
      // A launch template owns the disk: EKS refuses diskSize beside one.
      assert.equal(inputs(group).diskSize, undefined);
    }
  });

  test("launched instances and volumes carry the stack's tags, which default tags do not reach", () => {
    for (const spec of inputs(one(prod(), LAUNCH_TEMPLATE)).tagSpecifications) {
      assert.ok(["instance", "volume"].includes(spec.resourceType));
      assert.equal(spec.tags.Project, "switchyard");
      assert.equal(spec.tags.Stack, "prod");
      assert.equal(spec.tags.ManagedBy, "pulumi");
      assert.equal(spec.tags["switchyard.io/node-group"], "general");
    }
  });

  test("Amazon Linux 2023 of the group's architecture", () => {
    assert.equal(amiTypeFor(["m7i.xlarge"]), "AL2023_x86_64_STANDARD");
    assert.equal(amiTypeFor(["m7g.xlarge", "c7gn.large", "t4g.medium"]), "AL2023_ARM_64_STANDARD");
    const groups = inCluster(custom(), NODE_GROUP);
    assert.equal(
      inputs(groups.find((g) => g.name === "switchyard-batch")!).amiType,
      "AL2023_ARM_64_STANDARD",
    );
    assert.equal(
      inputs(groups.find((g) => g.name === "switchyard-general")!).amiType,
      "AL2023_x86_64_STANDARD",
    );
  });

  test("a group mixing Graviton and x86 instance types is refused", () => {
    assert.throws(
      () =>
        parseConfig({
          "aws:region": "eu-west-1",
          "switchyard:kubernetes": JSON.stringify({
            nodeGroups: { mixed: { instanceTypes: ["m7i.large", "m7g.large"] } },
          }),
        }),
      /switchyard:kubernetes\.nodeGroups\.mixed\.instanceTypes: expected instance types of one CPU architecture/,
    );
  });

  test("the node role has no CNI permissions (those go to the VPC CNI's own service-account role)", () => {
    const plan = prod();
    const nodeRole = inCluster(plan, "aws:iam/role:Role").find((r) => r.name === "switchyard-nodes")!;
    assert.equal(
      JSON.parse(inputs(nodeRole).assumeRolePolicy).Statement[0].Principal.Service,
      "ec2.amazonaws.com",
    );
    const attached = inCluster(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => inputs(a).role === autoName(nodeRole.type, nodeRole.name))
      .map((a) => inputs(a).policyArn)
      .sort();
    assert.deepEqual(attached, [
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
  });
});
