import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createSecureBucket } from "../common/secureBucket";
import { createRules } from "../common/sgRules";
import { COLOURS, otherColour, type Colour } from "../../model/validators";
import { HEALTHZ_PATH } from "../../model/http";
import { EDGE_TRAFFIC_PORT } from "../../model/ports";
import { loadBalancerRules, type EdgePeers } from "./securityRules";
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
  certificateArn?: string;
  accessLogRetentionDays: number;
  /** Deletion protection on the load balancer (production). */
  protect: boolean;
}

/**
 * The internet-facing Network Load Balancer (docs/edge.md says why not an ALB): one target group
 * per fleet colour, listeners on 80 (and 443 with TLS when a certificate is configured) forwarding
 * to the live colour's group behind the swap gate, and a standby listener that keeps the idle
 * colour's group health-checked.
 */
export class EdgeLoadBalancer extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly targetGroups: Record<Colour, aws.lb.TargetGroup>;
  /** Listeners forwarding traffic to the live fleet. */
  readonly trafficListeners: aws.lb.Listener[];

  constructor(name: string, args: EdgeLoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:edge:EdgeLoadBalancer", name, {}, opts);
    const tls = args.certificateArn !== undefined;

    createRules(
      name,
      args.securityGroupIds.loadBalancer,
      loadBalancerRules(args.securityGroupIds, tls),
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

    this.targetGroups = Object.fromEntries(
      COLOURS.map((colour) => [
        colour,
        new aws.lb.TargetGroup(
          `${name}-${colour}`,
          {
            vpcId: args.vpcId,
            port: EDGE_TRAFFIC_PORT,
            protocol: "TCP",
            targetType: "instance",
            preserveClientIp: "true",
            // In-flight connections get this long to finish when a host leaves (scale-in, refresh).
            deregistrationDelay: 60,
            healthCheck: {
              protocol: "HTTP",
              port: "traffic-port",
              path: HEALTHZ_PATH,
              matcher: "200",
              interval: 10,
              healthyThreshold: 3,
              unhealthyThreshold: 3,
            },
            tags: { Fleet: colour },
          },
          { parent: this },
        ),
      ]),
    ) as Record<Colour, aws.lb.TargetGroup>;

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

    this.trafficListeners = [
      new aws.lb.Listener(
        `${name}-http`,
        { loadBalancerArn: nlb.arn, port: 80, protocol: "TCP", defaultActions: forwardLive },
        { parent: this },
      ),
    ];
    if (tls) {
      this.trafficListeners.push(
        new aws.lb.Listener(
          `${name}-https`,
          {
            loadBalancerArn: nlb.arn,
            port: 443,
            protocol: "TLS",
            certificateArn: args.certificateArn,
            sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
            defaultActions: forwardLive,
          },
          { parent: this },
        ),
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
