import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createInstanceRole } from "../common/instanceRole";
import { logsCredentialsStatement, resolveLogsTarget, type HostLogsTarget } from "../common/host/fluentBit";
import {
  resolveMetricsTarget,
  telegrafCredentialsStatement,
  type HostMetricsTarget,
} from "../common/host/telegraf";
import type { Colour } from "../../model/validators";
import { renderEdgeUserData } from "./render/userData";
import type { FleetSize } from "./sizing";

export interface HaproxyFleetArgs {
  colour: Colour;
  instanceType: string;
  amiId: pulumi.Input<string>;
  size: FleetSize;
  subnetIds: pulumi.Input<string>[];
  securityGroupId: pulumi.Input<string>;
  /** Target groups the hosts register with: traffic, and the redirect port when in use. */
  targetGroupArns: pulumi.Input<string>[];
  bundle: {
    bucket: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    key: string;
    sha256: string;
    /** The uploaded object: no host launches before its bundle is in the bucket. */
    object: pulumi.Resource;
  };
  /** Endpoints and the secret of this fleet's agent identity (components/etcd/access.ts). */
  etcd: { endpoints: string[]; agentSecretArn: pulumi.Input<string> };
  maxconn: number;
  /** Where the hosts' Telegraf writes (the monitoring component's host endpoint); none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the hosts' Fluent Bit ships their journals (the logging component's host endpoint); none: no shipping. */
  logs?: HostLogsTarget;
  /**
   * Tags the provider's default tags do not reach: Auto Scaling groups and what a launch
   * template launches (instances, volumes).
   */
  baseTags: Record<string, string>;
  /** Resources the Auto Scaling group waits for (the fleet that stops being live shrinks after the switch). */
  asgDependsOn?: pulumi.Input<pulumi.Input<pulumi.Resource>[]>;
}

/**
 * One colour of HAProxy hosts: a launch template (AL2023, IMDSv2 only, encrypted root) whose
 * user-data pins the agent bundle's sha256, and an Auto Scaling group over the private subnets
 * registered in the colour's target group. Any change to the launch template (a new bundle, AMI,
 * instance type) rolls the fleet through an instance refresh that launches before it terminates.
 */
export class HaproxyFleet extends pulumi.ComponentResource {
  readonly autoScalingGroup: aws.autoscaling.Group;
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The hosts' instance role, the one reader of the fleet's etcd secret. */
  readonly roleArn: pulumi.Output<string>;
  readonly colour: Colour;

  constructor(name: string, args: HaproxyFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:edge:HaproxyFleet", name, {}, opts);

    const { profile, role } = createInstanceRole(
      name,
      {
        statements: [
          {
            Effect: "Allow",
            Action: "s3:GetObject",
            Resource: pulumi.interpolate`${args.bundle.bucketArn}/${args.bundle.key}`,
          },
          { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: args.etcd.agentSecretArn },
          ...(args.metrics ? [telegrafCredentialsStatement(args.metrics)] : []),
          ...(args.logs ? [logsCredentialsStatement(args.logs)] : []),
        ],
      },
      this,
    );

    const userData = pulumi
      .all([
        args.bundle.bucket,
        args.etcd.agentSecretArn,
        resolveMetricsTarget(args.metrics),
        resolveLogsTarget(args.logs),
      ])
      .apply(([bucket, etcdClientSecretArn, metrics, logs]) =>
        renderEdgeUserData({
          bundle: { bucket, key: args.bundle.key, sha256: args.bundle.sha256 },
          fleet: args.colour,
          etcdEndpoints: args.etcd.endpoints,
          etcdClientSecretArn,
          maxconn: args.maxconn,
          metrics,
          logs,
        }),
      );

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      name,
      {
        description: `HAProxy ${args.colour} fleet`,
        imageId: args.amiId,
        instanceType: args.instanceType,
        iamInstanceProfile: { arn: profile.arn },
        vpcSecurityGroupIds: [args.securityGroupId],
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
        monitoring: { enabled: true },
        userData: userData.apply((text) => Buffer.from(text).toString("base64")),
        updateDefaultVersion: true,
        tagSpecifications: [
          { resourceType: "instance", tags: { ...args.baseTags, Name: name, Fleet: args.colour } },
          { resourceType: "volume", tags: { ...args.baseTags, Name: name, Fleet: args.colour } },
        ],
      },
      { parent: this, dependsOn: [args.bundle.object] },
    );

    this.autoScalingGroup = new aws.autoscaling.Group(
      name,
      {
        vpcZoneIdentifiers: args.subnetIds,
        minSize: args.size.minSize,
        maxSize: args.size.maxSize,
        desiredCapacity: args.size.desiredCapacity,
        launchTemplate: {
          id: this.launchTemplate.id,
          version: this.launchTemplate.latestVersion.apply(String),
        },
        targetGroupArns: args.targetGroupArns,
        // The ELB's view (HAProxy /healthz) decides health: a host that has not applied the
        // routes is replaced, and an instance refresh only proceeds over healthy hosts.
        healthCheckType: "ELB",
        healthCheckGracePeriod: 300,
        defaultInstanceWarmup: 120,
        instanceRefresh: {
          strategy: "Rolling",
          preferences: {
            minHealthyPercentage: 100,
            maxHealthyPercentage: 200,
            instanceWarmup: "120",
            skipMatching: true,
          },
        },
        waitForCapacityTimeout: "15m",
        tags: Object.entries({ ...args.baseTags, Name: name, Fleet: args.colour }).map(([key, value]) => ({
          key,
          value,
          propagateAtLaunch: true,
        })),
      },
      { parent: this, dependsOn: args.asgDependsOn },
    );

    this.roleArn = role.arn;
    this.colour = args.colour;
    this.registerOutputs({
      autoScalingGroupName: this.autoScalingGroup.name,
      launchTemplateId: this.launchTemplate.id,
    });
  }
}
