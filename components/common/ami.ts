import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

/** The latest Amazon Linux 2023 AMI for an architecture, published by Amazon (owners pinned). */
export type CpuArch = "amd64" | "arm64";

/**
 * The CPU architecture of an EC2 instance type: Graviton families carry a "g" right after the
 * generation digit (m7g, c7gn, t4g, r8gd); everything else in use here is x86_64.
 */
export function archOfInstanceType(instanceType: string): CpuArch {
  const family = instanceType.split(".")[0];
  return family === "a1" || /^[a-z]+\d+g/.test(family) ? "arm64" : "amd64";
}

export function al2023Ami(arch: CpuArch, parent: pulumi.Resource): pulumi.Output<string> {
  const awsArch = arch === "amd64" ? "x86_64" : "arm64";
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
