import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { planSubnets, type TierName } from "./subnets";
import { createEndpoints } from "./endpoints";
import { createFlowLogs } from "./flowLogs";
import { azResourceName, natZoneFor } from "./naming";

export interface NetworkArgs {
  region: string;
  cidr: string;
  availabilityZones: string[];
  natGateways: "perAz" | "single" | "none";
  /** Data subnets route out through NAT (package installs on database and etcd hosts). */
  dataEgress: boolean;
  flowLogs: { retentionDays: number; trafficType: string };
  interfaceEndpoints: readonly string[];
}

/** Tags EKS and the AWS load balancer controller use to discover subnets. */
const TIER_TAGS: Record<TierName, Record<string, string>> = {
  public: { "kubernetes.io/role/elb": "1" },
  private: { "kubernetes.io/role/internal-elb": "1" },
  data: {},
};

/**
 * A VPC with public, private and data subnet tiers in every AZ. Every per-AZ resource is named
 * after its AZ and every subnet's CIDR comes from its AZ letter, so growth never replaces them.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpc: aws.ec2.Vpc;
  readonly vpcId: pulumi.Output<string>;
  readonly vpcCidr: string;
  readonly availabilityZones: string[];
  /** Subnets by tier, then by AZ name. */
  readonly subnets: Record<TierName, Record<string, aws.ec2.Subnet>>;
  readonly publicSubnetIds: pulumi.Output<string>[];
  readonly privateSubnetIds: pulumi.Output<string>[];
  readonly dataSubnetIds: pulumi.Output<string>[];
  readonly natGateways: aws.ec2.NatGateway[];
  /** The private and data tiers' route tables, by tier then AZ (routes back to the deploy runners). */
  readonly routeTables: Record<"private" | "data", Record<string, aws.ec2.RouteTable>> = {
    private: {},
    data: {},
  };

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:network:Network", name, {}, opts);
    // Every child hangs off this component.
    const child = { parent: this };
    this.vpcCidr = args.cidr;
    this.availabilityZones = args.availabilityZones;

    this.vpc = new aws.ec2.Vpc(
      name,
      { cidrBlock: args.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { Name: name } },
      child,
    );
    this.vpcId = this.vpc.id;

    // Take over the default security group and leave it with no rules, so nothing that lands in
    // it by accident can talk to anything.
    new aws.ec2.DefaultSecurityGroup(
      `${name}-default`,
      { vpcId: this.vpc.id, ingress: [], egress: [] },
      child,
    );

    const igw = new aws.ec2.InternetGateway(name, { vpcId: this.vpc.id, tags: { Name: name } }, child);

    this.subnets = { public: {}, private: {}, data: {} };
    for (const planned of planSubnets(args.cidr, args.availabilityZones)) {
      const subnetName = azResourceName(name, planned.tier, planned.availabilityZone);
      this.subnets[planned.tier][planned.availabilityZone] = new aws.ec2.Subnet(
        subnetName,
        {
          vpcId: this.vpc.id,
          cidrBlock: planned.cidr,
          availabilityZone: planned.availabilityZone,
          mapPublicIpOnLaunch: false,
          tags: { Name: subnetName, Tier: planned.tier, ...TIER_TAGS[planned.tier] },
        },
        child,
      );
    }

    const publicRoutes = new aws.ec2.RouteTable(
      `${name}-public`,
      {
        vpcId: this.vpc.id,
        routes: [{ cidrBlock: "0.0.0.0/0", gatewayId: igw.id }],
        tags: { Name: `${name}-public` },
      },
      child,
    );
    for (const az of args.availabilityZones) {
      new aws.ec2.RouteTableAssociation(
        azResourceName(name, "public", az),
        { subnetId: this.subnets.public[az].id, routeTableId: publicRoutes.id },
        child,
      );
    }

    const natByZone = new Map<string, aws.ec2.NatGateway>();
    for (const az of new Set(
      args.availabilityZones.map((az) => natZoneFor(args.natGateways, az, args.availabilityZones)),
    )) {
      if (az === undefined) continue;
      const eip = new aws.ec2.Eip(
        azResourceName(name, "nat", az),
        { domain: "vpc", tags: { Name: azResourceName(name, "nat", az) } },
        child,
      );
      natByZone.set(
        az,
        new aws.ec2.NatGateway(
          azResourceName(name, "nat", az),
          {
            allocationId: eip.id,
            subnetId: this.subnets.public[az].id,
            tags: { Name: azResourceName(name, "nat", az) },
          },
          { ...child, dependsOn: [igw] },
        ),
      );
    }
    this.natGateways = [...natByZone.values()];

    // Private and data tiers get a route table per AZ so that each routes through its own AZ's
    // NAT gateway in perAz mode (an AZ outage then never cuts another AZ's egress).
    const routeTableIds: pulumi.Input<string>[] = [publicRoutes.id];
    for (const tier of ["private", "data"] as const) {
      for (const az of args.availabilityZones) {
        const natZone = natZoneFor(args.natGateways, az, args.availabilityZones);
        const egress = natZone !== undefined && (tier === "private" || args.dataEgress);
        const tableName = azResourceName(name, tier, az);
        const table = new aws.ec2.RouteTable(
          tableName,
          {
            vpcId: this.vpc.id,
            routes: egress ? [{ cidrBlock: "0.0.0.0/0", natGatewayId: natByZone.get(natZone)!.id }] : [],
            tags: { Name: tableName },
          },
          child,
        );
        new aws.ec2.RouteTableAssociation(
          tableName,
          { subnetId: this.subnets[tier][az].id, routeTableId: table.id },
          child,
        );
        routeTableIds.push(table.id);
        this.routeTables[tier][az] = table;
      }
    }

    const idsOf = (tier: TierName) => args.availabilityZones.map((az) => this.subnets[tier][az].id);
    this.publicSubnetIds = idsOf("public");
    this.privateSubnetIds = idsOf("private");
    this.dataSubnetIds = idsOf("data");

    createFlowLogs(name, { vpcId: this.vpc.id, ...args.flowLogs }, this);
    createEndpoints(
      name,
      {
        region: args.region,
        vpcId: this.vpc.id,
        vpcCidr: args.cidr,
        routeTableIds,
        privateSubnetIds: this.privateSubnetIds,
        interfaceEndpoints: args.interfaceEndpoints,
      },
      this,
    );

    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
      dataSubnetIds: this.dataSubnetIds,
    });
  }
}
