/**
 * The Route's etcd connection from the platform's etcd outputs. The client certificate and key
 * live in Secrets Manager (never in stack exports); whoever runs `pulumi up` reads them with its
 * own IAM identity, and they stay Pulumi secrets from there on.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { TLS_FILES } from "../etcd/render/layout";
import type { EtcdConnectionArgs } from "./types";

export interface EtcdClientSecretArgs {
  endpoints: pulumi.Input<pulumi.Input<string>[]>;
  /** PEM of the CA that signs the members' certificates. */
  caPem: pulumi.Input<string>;
  /** Secrets Manager secret holding ca.crt, tls.crt and tls.key as one JSON document. */
  clientSecretArn: pulumi.Input<string>;
}

export function etcdConnectionFromSecret(
  args: EtcdClientSecretArgs,
  opts?: pulumi.InvokeOutputOptions,
): EtcdConnectionArgs {
  const version = aws.secretsmanager.getSecretVersionOutput({ secretId: args.clientSecretArn }, opts);
  const doc = pulumi.secret(version.secretString).apply((s) => JSON.parse(s) as Record<string, string>);
  const field = (name: string) =>
    doc.apply((d) => {
      if (!d[name]) throw new Error(`etcd client secret has no ${name}`);
      return d[name];
    });
  return {
    endpoints: args.endpoints,
    ca: args.caPem,
    cert: field(TLS_FILES.cert),
    key: field(TLS_FILES.key),
  };
}
