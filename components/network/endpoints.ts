import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EndpointsArgs {
  region: string;
  vpcId: pulumi.Input<string>;
  vpcCidr: string;
  routeTableIds: pulumi.Input<string>[];
  privateSubnetIds: pulumi.Input<string>[];
  interfaceEndpoints: readonly string[];
}

/**
 * The S3 gateway endpoint (free; keeps image layers, agent bundles and backups off the NAT) and
 * the optional interface endpoints, reachable on 443 from inside the VPC only.
 */
export function createEndpoints(name: string, args: EndpointsArgs, parent: pulumi.Resource): void {
  new aws.ec2.VpcEndpoint(
    `${name}-s3`,
    {
      vpcId: args.vpcId,
      serviceName: `com.amazonaws.${args.region}.s3`,
      vpcEndpointType: "Gateway",
      routeTableIds: args.routeTableIds,
    },
    { parent },
  );
  if (args.interfaceEndpoints.length === 0) return;

  const sg = new aws.ec2.SecurityGroup(
    `${name}-endpoints`,
    {
      vpcId: args.vpcId,
      description: "Interface VPC endpoints: HTTPS from inside the VPC",
      ingress: [
        {
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: [args.vpcCidr],
          description: "HTTPS from the VPC",
        },
      ],
    },
    { parent },
  );
  for (const service of args.interfaceEndpoints) {
    new aws.ec2.VpcEndpoint(
      `${name}-${service.replace(/\./g, "-")}`,
      {
        vpcId: args.vpcId,
        serviceName: `com.amazonaws.${args.region}.${service}`,
        vpcEndpointType: "Interface",
        privateDnsEnabled: true,
        subnetIds: args.privateSubnetIds,
        securityGroupIds: [sg.id],
      },
      { parent },
    );
  }
}
