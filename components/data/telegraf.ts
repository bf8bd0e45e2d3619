/**
 * Telegraf on a database member, through the host Telegraf mechanism (common/host/telegraf) as an
 * extra host agent (withHostAgents). The engine's monitoring password reaches Telegraf like
 * InfluxDB's: its own Secrets Manager secret holding one `NAME=value` env file, fetched at boot by
 * the credentials unit and loaded by systemd. Nothing secret is in user-data. An engine reached
 * over TLS (MongoDB) has its CA certificate in a second secret, fetched for Telegraf's own user.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { HostAgent } from "../common/host/cloudInit";
import {
  resolveMetricsTarget,
  telegrafCredentialsStatement,
  telegrafHostAgent,
  type HostMetricsTarget,
  type HostTelegrafInput,
} from "../common/host/telegraf";

export interface DataTelegrafArgs {
  role: "mysql" | "mongodb";
  /** Where Telegraf writes; none: no Telegraf, no secret. */
  metrics?: HostMetricsTarget;
  inputs: HostTelegrafInput["inputs"];
  /** File name of the engine credential (a JSON key of the secret) and its `NAME=value` text. */
  envFile: string;
  env: pulumi.Output<string>;
  /** The engine's CA, as TELEGRAF_HOST.tlsDir/<file> for the input's `tls_ca`. */
  inputCa?: { file: string; pem: pulumi.Output<string> };
}

export interface DataTelegraf {
  /** The instance-role statements: read the InfluxDB credential and the engine credential. */
  statements: pulumi.Input<Record<string, unknown>>[];
  /** The host agents to append to every member's user-data (empty without metrics). */
  agents: pulumi.Output<HostAgent[]>;
}

export function dataTelegraf(name: string, args: DataTelegrafArgs, parent: pulumi.Resource): DataTelegraf {
  const metrics = args.metrics;
  if (!metrics) return { statements: [], agents: pulumi.output([]) };
  const secret = new aws.secretsmanager.Secret(
    name,
    { description: `${args.role} monitoring credential for the members' Telegraf`, recoveryWindowInDays: 7 },
    { parent },
  );
  new aws.secretsmanager.SecretVersion(
    name,
    {
      secretId: secret.id,
      secretString: pulumi.secret(args.env.apply((env) => JSON.stringify({ [args.envFile]: env }))),
    },
    { parent },
  );
  const inputCa = args.inputCa;
  const caSecret = inputCa
    ? new aws.secretsmanager.Secret(
        `${name}-ca`,
        { description: `${args.role} CA certificate for the members' Telegraf`, recoveryWindowInDays: 7 },
        { parent },
      )
    : undefined;
  if (caSecret && inputCa)
    new aws.secretsmanager.SecretVersion(
      `${name}-ca`,
      {
        secretId: caSecret.id,
        secretString: inputCa.pem.apply((pem) => JSON.stringify({ [inputCa.file]: pem })),
      },
      { parent },
    );
  return {
    statements: [
      telegrafCredentialsStatement(metrics),
      {
        Effect: "Allow",
        Action: "secretsmanager:GetSecretValue",
        Resource: caSecret ? [secret.arn, caSecret.arn] : secret.arn,
      },
    ],
    agents: pulumi
      .all([resolveMetricsTarget(metrics), secret.arn, caSecret?.arn ?? ""])
      .apply(([influx, secretArn, caSecretArn]) =>
        influx
          ? [
              telegrafHostAgent({
                role: args.role,
                inputs: args.inputs,
                influx,
                credentialsSecretArn: influx.credentialsSecretArn,
                serviceCredentials: { secretArn, envFile: args.envFile },
                ...(caSecretArn ? { inputCaSecretArns: [caSecretArn] } : {}),
              }),
            ]
          : [],
      ),
  };
}
