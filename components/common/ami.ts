import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { awsArchitecture, type CpuArch } from "./architecture";

/** The latest Amazon Linux 2023 AMI for an architecture, published by Amazon (owners pinned). */
export function al2023Ami(arch: CpuArch, parent: pulumi.Resource): pulumi.Output<string> {
  const awsArch = awsArchitecture(arch);
  return aws.ec2
    .getAmiOutput(
      {
        owners: ["amazon"],
        mostRecent: true,
        filters: [
          { name: "name", values: [`al2023-ami-2023.*-kernel-*-${awsArch}`] },
          { name: "architecture", values: [awsArch] },
          { name: "state", values: ["available"] },
        ],
      },
      { parent },
    )
    .apply((ami) => ami.id);
}
