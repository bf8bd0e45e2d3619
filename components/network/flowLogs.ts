import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { serviceTrustPolicy } from "../common/trustPolicy";

export interface FlowLogsArgs {
  vpcId: pulumi.Input<string>;
  retentionDays: number;
  trafficType: string;
}

/** VPC flow logs delivered to a CloudWatch log group with bounded retention. */
export function createFlowLogs(name: string, args: FlowLogsArgs, parent: pulumi.Resource): aws.ec2.FlowLog {
  const logGroup = new aws.cloudwatch.LogGroup(
    `${name}-flow-logs`,
    { name: `/switchyard/${pulumi.getStack()}/${name}/flow-logs`, retentionInDays: args.retentionDays },
    { parent },
  );
  const role = new aws.iam.Role(
    `${name}-flow-logs`,
    {
      assumeRolePolicy: serviceTrustPolicy("vpc-flow-logs.amazonaws.com"),
    },
    { parent },
  );
  new aws.iam.RolePolicy(
    `${name}-flow-logs`,
    {
      role: role.id,
      // Scoped to the one log group: the flow-log service needs nothing else.
      policy: pulumi.jsonStringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
            Resource: [logGroup.arn, pulumi.interpolate`${logGroup.arn}:*`],
          },
        ],
      }),
    },
    { parent },
  );
  return new aws.ec2.FlowLog(
    `${name}-flow-logs`,
    {
      vpcId: args.vpcId,
      trafficType: args.trafficType,
      logDestinationType: "cloud-watch-logs",
      logDestination: logGroup.arn,
      iamRoleArn: role.arn,
      maxAggregationInterval: 60,
    },
    { parent },
  );
}
