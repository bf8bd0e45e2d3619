/**
 * Certificate authorities and certificates made with @pulumi/tls, and the Secrets Manager secrets
 * that carry them to hosts. Private keys live in Pulumi state (encrypted, as secrets) and in
 * Secrets Manager; never in user-data. Used by etcd and the database hosts alike.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { TLS_FILES } from "./host/secretFiles";

const HOURS_PER_YEAR = 24 * 365;

export interface ClusterCa {
  key: tls.PrivateKey;
  cert: tls.SelfSignedCert;
}

/** The CA's key type; ECDSA P-256 unless a consumer needs RSA (Strimzi signs with the CA key as given). */
export type CaKeyType = { algorithm: "ECDSA"; ecdsaCurve: "P256" } | { algorithm: "RSA"; rsaBits: 4096 };

export function createCa(
  name: string,
  parent: pulumi.Resource,
  keyType: CaKeyType = { algorithm: "ECDSA", ecdsaCurve: "P256" },
): ClusterCa {
  const key = new tls.PrivateKey(`${name}-ca`, keyType, { parent });
  const cert = new tls.SelfSignedCert(
    `${name}-ca`,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: `${name} CA`, organization: "switchyard" },
      isCaCertificate: true,
      validityPeriodHours: 10 * HOURS_PER_YEAR,
      allowedUses: ["cert_signing", "crl_signing", "digital_signature"],
    },
    { parent },
  );
  return { key, cert };
}

export interface LeafCertArgs {
  commonName: string;
  dnsNames?: pulumi.Input<pulumi.Input<string>[]>;
  ipAddresses?: pulumi.Input<pulumi.Input<string>[]>;
}

export interface LeafCert {
  key: tls.PrivateKey;
  cert: tls.LocallySignedCert;
}

/** A key and a CA-signed certificate, usable to serve and as a client. */
export function createLeafCert(
  name: string,
  ca: ClusterCa,
  args: LeafCertArgs,
  parent: pulumi.Resource,
): LeafCert {
  const key = new tls.PrivateKey(name, { algorithm: "ECDSA", ecdsaCurve: "P256" }, { parent });
  const csr = new tls.CertRequest(
    name,
    {
      privateKeyPem: key.privateKeyPem,
      subject: { commonName: args.commonName, organization: "switchyard" },
      dnsNames: args.dnsNames,
      ipAddresses: args.ipAddresses,
    },
    { parent },
  );
  const cert = new tls.LocallySignedCert(
    name,
    {
      certRequestPem: csr.certRequestPem,
      caPrivateKeyPem: ca.key.privateKeyPem,
      caCertPem: ca.cert.certPem,
      validityPeriodHours: 2 * HOURS_PER_YEAR,
      // Within 30 days of expiry `pulumi up` issues a new certificate (see docs/etcd.md).
      earlyRenewalHours: 30 * 24,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth", "client_auth"],
    },
    { parent },
  );
  return { key, cert };
}

/**
 * A secret holding ca.crt, tls.crt and tls.key as one JSON document, the value a Pulumi secret.
 * `combinedPemFile` adds a file with the certificate followed by its key (mongod's format).
 */
export function createTlsSecret(
  name: string,
  description: string,
  ca: ClusterCa,
  leaf: LeafCert,
  parent: pulumi.Resource,
  combinedPemFile?: string,
): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(name, { description, recoveryWindowInDays: 7 }, { parent });
  new aws.secretsmanager.SecretVersion(
    name,
    {
      secretId: secret.id,
      secretString: pulumi.secret(
        pulumi.jsonStringify({
          [TLS_FILES.ca]: ca.cert.certPem,
          [TLS_FILES.cert]: leaf.cert.certPem,
          [TLS_FILES.key]: leaf.key.privateKeyPem,
          ...(combinedPemFile
            ? { [combinedPemFile]: pulumi.concat(leaf.cert.certPem, leaf.key.privateKeyPem) }
            : {}),
        }),
      ),
    },
    { parent },
  );
  return secret;
}

/**
 * The secret's resource policy: its readers may read it and nobody else may, whatever their IAM
 * policies say, except the identity that runs `pulumi up` (it writes the versions and refreshes
 * them). Readers are IAM role ARNs; `aws:PrincipalArn` is the role behind any of its sessions.
 */
export function secretReadersPolicy(readers: readonly string[], deployer: string): Record<string, unknown> {
  const statements: Record<string, unknown>[] = [
    {
      Sid: "OnlyItsPrincipalsRead",
      Effect: "Deny",
      Principal: "*",
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
      Condition: { StringNotEquals: { "aws:PrincipalArn": [...readers, deployer] } },
    },
  ];
  if (readers.length > 0) {
    statements.unshift({
      Sid: "ItsPrincipalsRead",
      Effect: "Allow",
      Principal: { AWS: [...readers] },
      Action: "secretsmanager:GetSecretValue",
      Resource: "*",
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

export function restrictSecretReaders(
  name: string,
  secret: aws.secretsmanager.Secret,
  readers: pulumi.Input<pulumi.Input<string>[]>,
  deployer: pulumi.Input<string>,
  parent: pulumi.Resource,
): aws.secretsmanager.SecretPolicy {
  return new aws.secretsmanager.SecretPolicy(
    name,
    {
      secretArn: secret.arn,
      policy: pulumi
        .all([readers, deployer])
        .apply(([r, d]) => JSON.stringify(secretReadersPolicy([...r].sort(), d))),
    },
    { parent },
  );
}

/** The IAM principal running this deployment (the role behind an assumed-role session). */
export function deployingPrincipal(parent: pulumi.Resource): pulumi.Output<string> {
  const caller = aws.getCallerIdentityOutput({}, { parent });
  return aws.iam.getSessionContextOutput({ arn: caller.arn }, { parent }).issuerArn;
}
