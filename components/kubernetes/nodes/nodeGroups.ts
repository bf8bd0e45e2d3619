import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { KubernetesConfig } from "../../config/areas/kubernetes";
import { serviceTrustPolicy } from "../../common/trustPolicy";
import { MANAGED_POLICIES, managedPolicyArn } from "../controlPlane/policies";
import { amiTypeFor, NODE_GROUP_LABEL } from "./amiType";

export interface NodeGroupsArgs {
  cluster: aws.eks.Cluster;
  config: KubernetesConfig;
  subnetIds: pulumi.Input<string>[];
  /** The only security group on the nodes (the EKS cluster group is left off on purpose). */
  nodeSecurityGroupId: pulumi.Input<string>;
  /** Tags for the instances and volumes the node groups launch (default tags do not reach them). */
  launchedTags: Record<string, string>;
  partition: pulumi.Input<string>;
  /** Add-ons that must run before a node can become Ready (CNI, kube-proxy). */
  dependsOn: pulumi.Resource[];
}

/** A node role shared by all groups, then a launch template and a managed node group per configured group. */
export function createNodeGroups(
  name: string,
  args: NodeGroupsArgs,
  parent: pulumi.Resource,
): Record<string, aws.eks.NodeGroup> {
  const role = new aws.iam.Role(
    `${name}-nodes`,
    { assumeRolePolicy: serviceTrustPolicy("ec2.amazonaws.com") },
    { parent },
  );
  const attachments = MANAGED_POLICIES.node.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-nodes-${policy}`,
        {
          role: role.name,
          policyArn: pulumi.output(args.partition).apply((p) => managedPolicyArn(p, policy)),
        },
        { parent },
      ),
  );

  const groups: Record<string, aws.eks.NodeGroup> = {};
  for (const [group, spec] of Object.entries(args.config.nodeGroups)) {
    const groupName = `${name}-${group}`;
    const template = new aws.ec2.LaunchTemplate(
      groupName,
      {
        description: `EKS managed node group ${group}`,
        updateDefaultVersion: true,
        // IMDSv2 only, and a hop limit of 1 so pods (which are a hop away) cannot read the node
        // role's credentials; pods get AWS access through IRSA or pod identity instead.
        metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: {
              volumeType: "gp3",
              volumeSize: spec.diskSizeGiB,
              encrypted: "true",
              deleteOnTermination: "true",
            },
          },
        ],
        vpcSecurityGroupIds: [args.nodeSecurityGroupId],
        tagSpecifications: ["instance", "volume"].map((resourceType) => ({
          resourceType,
          tags: { ...args.launchedTags, Name: groupName, [NODE_GROUP_LABEL]: group },
        })),
      },
      { parent },
    );
    groups[group] = new aws.eks.NodeGroup(
      groupName,
      {
        clusterName: args.cluster.name,
        // Follows the control plane: a version bump rolls the nodes right after the cluster.
        version: args.cluster.version,
        nodeRoleArn: role.arn,
        subnetIds: args.subnetIds,
        amiType: amiTypeFor(spec.instanceTypes),
        capacityType: spec.capacityType,
        instanceTypes: spec.instanceTypes,
        scalingConfig: { minSize: spec.minSize, desiredSize: spec.desiredSize, maxSize: spec.maxSize },
        updateConfig: { maxUnavailable: 1 },
        labels: { ...spec.labels, [NODE_GROUP_LABEL]: group },
        taints: spec.taints,
        launchTemplate: { id: template.id, version: template.latestVersion.apply(String) },
        tags: { Name: groupName },
      },
      // Auto-named: a change that replaces the group creates the new one before the old one goes.
      { parent, dependsOn: [...attachments, ...args.dependsOn] },
    );
  }
  return groups;
}
