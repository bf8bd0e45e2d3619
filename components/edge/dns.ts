/**
 * Alias records for the app hosts this stack serves, pointing at the edge NLB (IPv4, so one A
 * alias per host), keyed by host name so adding an app never renames another's record.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface AppHostRecordsArgs {
  hostedZoneId: string;
  hosts: string[];
  loadBalancer: { dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> };
}

export function appHostRecords(
  name: string,
  args: AppHostRecordsArgs,
  parent: pulumi.Resource,
): aws.route53.Record[] {
  return [...new Set(args.hosts)].sort().map(
    (host) =>
      new aws.route53.Record(
        `${name}-host-${host}`,
        {
          zoneId: args.hostedZoneId,
          name: host,
          type: "A",
          aliases: [
            { name: args.loadBalancer.dnsName, zoneId: args.loadBalancer.zoneId, evaluateTargetHealth: true },
          ],
        },
        { parent },
      ),
  );
}
