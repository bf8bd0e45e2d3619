import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface PrivateZoneArgs {
  /** The zone's domain, e.g. `etcd.prod.switchyard.internal`. */
  domain: string;
  comment: string;
  /** The platform VPC: the zone is created associated with it. */
  vpcId: pulumi.Input<string>;
}

/**
 * A private hosted zone of the platform VPC. Further VPCs (the deploy runners', see
 * components/network/runners.ts) are associated by separate ZoneAssociation resources, so the
 * zone ignores its inline `vpcs` after creation: otherwise every update would disassociate them
 * again (the provider's documented perpetual diff).
 */
export function privateZone(name: string, args: PrivateZoneArgs, parent: pulumi.Resource): aws.route53.Zone {
  return new aws.route53.Zone(
    name,
    { name: args.domain, comment: args.comment, vpcs: [{ vpcId: args.vpcId }], forceDestroy: false },
    { parent, ignoreChanges: ["vpcs"] },
  );
}
