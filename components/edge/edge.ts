import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023Ami } from "../common/ami";
import { instanceArch } from "../common/architecture";
import { defaultTags } from "../common/provider";
import { createSecureBucket } from "../common/secureBucket";
import { createRules } from "../common/sgRules";
import type { EdgeConfig } from "../config/areas/edge";
import { otherColour, type Colour } from "../../model/validators";
import type { AgentBundle } from "./bundle";
import { HaproxyFleet } from "./fleet";
import { EdgeLoadBalancer } from "./loadBalancer";
import { haproxyRules, plainHttpMode, type EdgePeers } from "./securityRules";
import { fleetSizes } from "./sizing";
import type { HostMetricsTarget } from "../common/host/telegraf";
import type { HostLogsTarget } from "../common/host/fluentBit";

export interface EdgeArgs {
  config: EdgeConfig;
  region: string;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string>[];
  privateSubnetIds: pulumi.Input<string>[];
  securityGroupIds: EdgePeers;
  agentBundle: AgentBundle;
  /** etcd endpoints and, per fleet, the secret of that fleet's agent identity. */
  etcd: { endpoints: string[]; agentSecretArns: Record<Colour, pulumi.Input<string>> };
  /** Where the HAProxy hosts' Telegraf writes; none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the hosts' Fluent Bit ships their journals (the logging component's host endpoint); none: no shipping. */
  logs?: HostLogsTarget;
  protect: boolean;
  /** Owner tag value, for the tags the provider's default tags do not reach. */
  owner: string;
  /** Host names this stack's apps serve: alias records when `edge.dns` names a zone. */
  appHosts: string[];
}

/**
 * The edge: the agent bundle in S3, the load balancer and the blue and green HAProxy fleets,
 * built in the order a swap needs: the live fleet, then the gated listeners, then the idle
 * fleet (so a fleet that stops being live only shrinks once traffic has left it).
 */
export class Edge extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly targetGroupArns: Record<Colour, pulumi.Output<string>>;
  /** Instance role of each fleet (the reader of its etcd secret). */
  readonly fleetRoleArns: Record<Colour, pulumi.Output<string>>;

  constructor(name: string, args: EdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:edge:Edge", name, {}, opts);
    const cfg = args.config;

    createRules(
      `${name}-haproxy`,
      args.securityGroupIds.haproxy,
      haproxyRules(args.securityGroupIds, plainHttpMode(cfg.tls)),
      this,
    );

    const artifacts = createSecureBucket(`${name}-artifacts`, {}, this);
    const bundleObject = new aws.s3.BucketObjectv2(
      `${name}-agent-bundle`,
      {
        bucket: artifacts.id,
        key: args.agentBundle.key,
        source: new pulumi.asset.StringAsset(args.agentBundle.content),
        contentType: "application/javascript",
        checksumAlgorithm: "SHA256",
      },
      { parent: this },
    );

    const [liveFleetReady, resolveLiveFleetReady] = pulumi.deferredOutput<pulumi.Resource[]>();
    const lb = new EdgeLoadBalancer(
      name,
      {
        vpcId: args.vpcId,
        publicSubnetIds: args.publicSubnetIds,
        securityGroupIds: args.securityGroupIds,
        region: args.region,
        liveFleet: cfg.liveFleet,
        minHealthyForSwap: cfg.live.minSize,
        swapTimeoutSeconds: cfg.swapTimeoutSeconds,
        liveFleetReady,
        tls: cfg.tls,
        dns: cfg.dns ? { hostedZoneId: cfg.dns.hostedZoneId, hosts: args.appHosts } : undefined,
        accessLogRetentionDays: cfg.accessLogs.retentionDays,
        protect: args.protect,
      },
      { parent: this },
    );

    const sizes = fleetSizes(cfg);
    const amiId = al2023Ami(instanceArch(cfg.instanceType), this);
    const fleet = (colour: Colour, asgDependsOn?: pulumi.Input<pulumi.Resource>[]) =>
      new HaproxyFleet(
        `${name}-${colour}`,
        {
          colour,
          instanceType: cfg.instanceType,
          amiId,
          size: sizes[colour],
          subnetIds: args.privateSubnetIds,
          securityGroupId: args.securityGroupIds.haproxy,
          targetGroupArns: lb.fleetTargetGroupArns[colour],
          bundle: {
            bucket: artifacts.bucket,
            bucketArn: artifacts.arn,
            key: args.agentBundle.key,
            sha256: args.agentBundle.sha256,
            object: bundleObject,
          },
          etcd: { endpoints: args.etcd.endpoints, agentSecretArn: args.etcd.agentSecretArns[colour] },
          maxconn: cfg.haproxyMaxConn,
          metrics: args.metrics,
          logs: args.logs,
          baseTags: defaultTags(pulumi.getStack(), args.owner),
          asgDependsOn,
        },
        { parent: this },
      );
    const live = fleet(cfg.liveFleet);
    resolveLiveFleetReady(pulumi.output([live.autoScalingGroup]));
    const idle = fleet(otherColour(cfg.liveFleet), lb.trafficListeners);
    const fleets = { [live.colour]: live, [idle.colour]: idle } as Record<Colour, HaproxyFleet>;
    this.fleetRoleArns = { blue: fleets.blue.roleArn, green: fleets.green.roleArn };

    this.dnsName = lb.dnsName;
    this.targetGroupArns = { blue: lb.targetGroups.blue.arn, green: lb.targetGroups.green.arn };
    this.registerOutputs({ dnsName: this.dnsName, targetGroupArns: this.targetGroupArns });
  }
}
