import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createSecureBucket } from "../common/secureBucket";
import { createRules } from "../common/sgRules";
import type { EdgeTlsConfig } from "../config/areas/edge";
import { COLOURS, otherColour, type Colour } from "../../model/validators";
import { HEALTHZ_PATH } from "../../model/http";
import { EDGE_REDIRECT_PORT, EDGE_TRAFFIC_PORT } from "../../model/ports";
import { edgeCertificateArn } from "./certificate";
import { appHostRecords } from "./dns";
import { loadBalancerRules, plainHttpMode, type EdgePeers } from "./securityRules";
import { FleetSwapGate } from "./swapGate";

/** Listener that keeps the idle fleet's target group health-checked (targets of a target group no listener uses are never checked). */
export const STANDBY_PORT = 8080;

export interface EdgeLoadBalancerArgs {
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string>[];
  securityGroupIds: EdgePeers;
  region: string;
  liveFleet: Colour;
  /** Healthy targets the new live fleet needs before the listeners switch to it. */
  minHealthyForSwap: number;
  swapTimeoutSeconds: number;
  /** Resolves to the live fleet's resources once they exist; the swap gate waits for them. */
  liveFleetReady: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
  tls?: EdgeTlsConfig;
  /** Public zone for the app hosts' alias records, and the hosts this stack serves. */
  dns?: { hostedZoneId: string; hosts: string[] };
  accessLogRetentionDays: number;
  /** Deletion protection on the load balancer (production). */
  protect: boolean;
}

/**
 * The internet-facing Network Load Balancer (docs/edge.md says why not an ALB): one target group
 * per fleet colour; with TLS a 443 listener terminating it with the ACM certificate and port 80
 * redirected (to HAProxy's redirect port, which answers 301) or refused; without TLS a plain 80
 * listener. Traffic listeners forward to the live colour behind the swap gate; a standby listener
 * keeps the idle colour's group health-checked.
 */
export class EdgeLoadBalancer extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly targetGroups: Record<Colour, aws.lb.TargetGroup>;
  /** Per colour, the groups its fleet's hosts register with (traffic, and the redirect port). */
  readonly fleetTargetGroupArns: Record<Colour, pulumi.Output<string>[]>;
  /** Listeners forwarding traffic to the live fleet. */
  readonly trafficListeners: aws.lb.Listener[];

  constructor(name: string, args: EdgeLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:edge:EdgeLoadBalancer", name, {}, opts);
    const http = plainHttpMode(args.tls);

    createRules(
      name,
      args.securityGroupIds.loadBalancer,
      loadBalancerRules(args.securityGroupIds, http),
      this,
    );

    const account = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    const logPrefix = "nlb";
    const logs = createSecureBucket(
      `${name}-access-logs`,
      {
        expireAfterDays: args.accessLogRetentionDays,
        // The log delivery service writes only under this account's prefix.
        extraStatements: (bucketArn) => [
          {
            Sid: "LogDeliveryWrite",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${bucketArn}/${logPrefix}/AWSLogs/${account}/*`,
            Condition: {
              StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": account },
            },
          },
          {
            Sid: "LogDeliveryAclCheck",
            Effect: "Allow",
            Principal: { Service: "delivery.logs.amazonaws.com" },
            Action: "s3:GetBucketAcl",
            Resource: bucketArn,
            Condition: { StringEquals: { "aws:SourceAccount": account } },
          },
        ],
      },
      this,
    );

    const nlb = new aws.lb.LoadBalancer(
      name,
      {
        loadBalancerType: "network",
        internal: false,
        subnets: args.publicSubnetIds,
        securityGroups: [args.securityGroupIds.loadBalancer],
        enableCrossZoneLoadBalancing: true,
        enableDeletionProtection: args.protect,
        accessLogs: { bucket: logs.bucket, prefix: logPrefix, enabled: true },
        // The role the guardrail policies recognise as the one thing allowed in public subnets.
        tags: { Name: name, Role: "loadBalancer" },
      },
      { parent: this },
    );
    this.dnsName = nlb.dnsName;

    const targetGroup = (groupName: string, colour: Colour, port: number, tags: Record<string, string>) =>
      new aws.lb.TargetGroup(
        groupName,
        {
          vpcId: args.vpcId,
          port,
          protocol: "TCP",
          targetType: "instance",
          preserveClientIp: "true",
          // In-flight connections get this long to finish when a host leaves (scale-in, refresh).
          deregistrationDelay: 60,
          // Always the traffic port's /healthz: a host is healthy for redirects when it serves traffic.
          healthCheck: {
            protocol: "HTTP",
            port: String(EDGE_TRAFFIC_PORT),
            path: HEALTHZ_PATH,
            matcher: "200",
            interval: 10,
            healthyThreshold: 3,
            unhealthyThreshold: 3,
          },
          tags: { Fleet: colour, ...tags },
        },
        { parent: this },
      );
    this.targetGroups = Object.fromEntries(
      COLOURS.map((colour) => [colour, targetGroup(`${name}-${colour}`, colour, EDGE_TRAFFIC_PORT, {})]),
    ) as Record<Colour, aws.lb.TargetGroup>;
    // The policies recognise a plain port-80 listener in production by its target's Role.
    const redirectGroups =
      http === "redirect"
        ? (Object.fromEntries(
            COLOURS.map((colour) => [
              colour,
              targetGroup(`${name}-${colour}-redirect`, colour, EDGE_REDIRECT_PORT, {
                Role: "httpsRedirect",
              }),
            ]),
          ) as Record<Colour, aws.lb.TargetGroup>)
        : undefined;
    this.fleetTargetGroupArns = Object.fromEntries(
      COLOURS.map((colour) => [
        colour,
        [this.targetGroups[colour].arn, ...(redirectGroups ? [redirectGroups[colour].arn] : [])],
      ]),
    ) as Record<Colour, pulumi.Output<string>[]>;

    const gate = new FleetSwapGate(
      `${name}-swap-gate`,
      {
        colour: args.liveFleet,
        targetGroupArn: this.targetGroups[args.liveFleet].arn,
        minHealthy: args.minHealthyForSwap,
        timeoutSeconds: args.swapTimeoutSeconds,
        region: args.region,
      },
      { parent: this, dependsOn: args.liveFleetReady },
    );
    // Read through the gate: the engine cannot point a listener at a fleet the gate refused.
    const forwardLive = [{ type: "forward", targetGroupArn: gate.targetGroupArn }];

    this.trafficListeners = [];
    if (args.tls) {
      this.trafficListeners.push(
        new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: nlb.arn,
            port: 443,
            protocol: "TLS",
            certificateArn: edgeCertificateArn(name, args.tls, this),
            sslPolicy: args.tls.sslPolicy,
            // HTTP/2 and HTTP/1.1 are HAProxy's to speak; the NLB passes the bytes through.
            alpnPolicy: "None",
            defaultActions: forwardLive,
          },
          { parent: this },
        ),
      );
    }
    if (http === "serve") {
      this.trafficListeners.push(
        new aws.lb.Listener(
          `${name}-http`,
          { loadBalancerArn: nlb.arn, port: 80, protocol: "TCP", defaultActions: forwardLive },
          { parent: this },
        ),
      );
    } else if (redirectGroups) {
      // Same name as the plain listener it replaces: switching a stack to TLS updates it in place.
      // It follows the gate like the traffic listeners, so redirects move with the live fleet.
      this.trafficListeners.push(
        new aws.lb.Listener(
          `${name}-http`,
          {
            loadBalancerArn: nlb.arn,
            port: 80,
            protocol: "TCP",
            defaultActions: [{ type: "forward", targetGroupArn: redirectGroups[args.liveFleet].arn }],
          },
          { parent: this, dependsOn: [gate] },
        ),
      );
    }
    if (args.dns) {
      appHostRecords(
        name,
        { hostedZoneId: args.dns.hostedZoneId, hosts: args.dns.hosts, loadBalancer: nlb },
        this,
      );
    }
    // Moves only after the traffic listeners, so the new live group never drops out of use.
    new aws.lb.Listener(
      `${name}-standby`,
      {
        loadBalancerArn: nlb.arn,
        port: STANDBY_PORT,
        protocol: "TCP",
        defaultActions: [
          { type: "forward", targetGroupArn: this.targetGroups[otherColour(args.liveFleet)].arn },
        ],
      },
      { parent: this, dependsOn: this.trafficListeners },
    );

    this.registerOutputs({
      dnsName: this.dnsName,
      targetGroupArns: Object.fromEntries(COLOURS.map((c) => [c, this.targetGroups[c].arn])),
    });
  }
}
