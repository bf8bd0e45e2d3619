import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { cidrKey } from "../common/sgRules";
import { azResourceName } from "./naming";

export interface DeployRunners {
  vpcId: string;
  region?: string;
  cidrs: string[];
  peeringConnectionId?: string;
  transitGatewayId?: string;
  crossAccount: boolean;
}

export interface RunnerAccessArgs {
  runners: DeployRunners;
  /** The stack's region: the runners' VPC is there unless `runners.region` says otherwise. */
  region: string;
  vpcId: pulumi.Input<string>;
  /** Where the Transit Gateway attachment's ENIs go (one subnet per AZ). */
  privateSubnetIds: pulumi.Input<string>[];
  /** The private and data tiers' route tables by tier then AZ: the runners' replies leave through them. */
  routeTables: Record<"private" | "data", Record<string, aws.ec2.RouteTable>>;
  /** The stack's private hosted zones by a stable key (etcd, mysql, mongodb). */
  privateZones: Record<string, pulumi.Input<string>>;
}

export interface PlannedRunnerRoute {
  name: string;
  tier: "private" | "data";
  availabilityZone: string;
  cidr: string;
}

/**
 * One route per (route table, runner range), named by tier, AZ and range: adding an AZ or a
 * range adds routes and renames none.
 */
export function planRunnerRoutes(
  name: string,
  tables: Record<"private" | "data", readonly string[]>,
  cidrs: readonly string[],
): PlannedRunnerRoute[] {
  return (["private", "data"] as const).flatMap((tier) =>
    tables[tier].flatMap((az) =>
      cidrs.map((cidr) => ({
        name: `${azResourceName(name, tier, az)}-${cidrKey(cidr)}`,
        tier,
        availabilityZone: az,
        cidr,
      })),
    ),
  );
}

/**
 * The platform side of the deploy runners' path into the private parts (etcd, the EKS API, the
 * database names): the private zones resolvable from the runners' VPC, and routes back to the
 * runners' ranges over their peering connection or Transit Gateway. The security groups admit the
 * ranges through `etcd.deployRunnerCidrs` and `kubernetes.apiAccessCidrs` (checked in config).
 * The EKS endpoint's name needs nothing here: EKS publishes its private addresses in public DNS.
 */
export class RunnerAccess extends pulumi.ComponentResource {
  constructor(name: string, args: RunnerAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:network:RunnerAccess", name, {}, opts);
    const runners = args.runners;
    const child = { parent: this };
    const vpcRegion = runners.region ?? args.region;

    // In another account the association is theirs to make; this account can only authorize it.
    for (const [key, zoneId] of Object.entries(args.privateZones)) {
      if (runners.crossAccount)
        new aws.route53.VpcAssociationAuthorization(
          `${name}-${key}-zone`,
          { zoneId, vpcId: runners.vpcId, vpcRegion },
          child,
        );
      else
        new aws.route53.ZoneAssociation(
          `${name}-${key}-zone`,
          { zoneId, vpcId: runners.vpcId, vpcRegion },
          child,
        );
    }

    const attachment = runners.transitGatewayId
      ? new aws.ec2transitgateway.VpcAttachment(
          name,
          {
            transitGatewayId: runners.transitGatewayId,
            vpcId: args.vpcId,
            subnetIds: args.privateSubnetIds,
            tags: { Name: name },
          },
          child,
        )
      : undefined;

    const tables = {
      private: Object.keys(args.routeTables.private),
      data: Object.keys(args.routeTables.data),
    };
    for (const route of planRunnerRoutes(name, tables, runners.cidrs)) {
      new aws.ec2.Route(
        route.name,
        {
          routeTableId: args.routeTables[route.tier][route.availabilityZone]!.id,
          destinationCidrBlock: route.cidr,
          ...(runners.peeringConnectionId
            ? { vpcPeeringConnectionId: runners.peeringConnectionId }
            : { transitGatewayId: runners.transitGatewayId }),
        },
        { ...child, dependsOn: attachment ? [attachment] : [] },
      );
    }
    this.registerOutputs({});
  }
}
