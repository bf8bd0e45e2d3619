/** The EC2 resource types that launch hosts, shared by the host-hardening rules. */
export const INSTANCE = "aws:ec2/instance:Instance";
export const LAUNCH_TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
export const LAUNCH_CONFIGURATION = "aws:ec2/launchConfiguration:LaunchConfiguration";
export const EBS_VOLUME = "aws:ebs/volume:Volume";
export const EKS_NODE_GROUP = "aws:eks/nodeGroup:NodeGroup";
export const EKS_CLUSTER = "aws:eks/cluster:Cluster";
