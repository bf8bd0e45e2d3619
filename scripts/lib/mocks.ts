/**
 * What the fake AWS returns. Outputs echo the inputs plus the computed attributes the program
 * reads (ARNs, endpoints, addresses), deterministic so plans diff cleanly between runs.
 */
import { createHash } from "node:crypto";
import type * as pulumi from "@pulumi/pulumi";
import { STACK_EXPORTS, type ExportKey } from "../../components/contract/exports";

export const MOCK_ACCOUNT = "123456789012";

function shortType(type: string): string {
  return type.split(":").pop()!.split("/").pop()!;
}

/** Deterministic private address per resource name, inside 10.255.0.0/16 (never contacted). */
export function fakeIp(name: string): string {
  let h = 0;
  for (const ch of name) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return `10.255.${(h >> 8) & 255}.${(h & 254) + 1}`;
}

/** 53 characters of bcrypt's alphabet, derived from a resource name. */
function mockBcryptBody(name: string): string {
  const alphabet = "./ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = createHash("sha512").update(name).digest();
  return Array.from(bytes.subarray(0, 53), (b) => alphabet[b % 64]).join("");
}

type Computed = (name: string, inputs: Record<string, unknown>, region: string) => Record<string, unknown>;

const computedByType: Record<string, Computed> = {
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1 }),
  // A Switchyard stack seen from a consumer: a recognisable sample value for every contract key.
  "pulumi:pulumi:StackReference": () => ({
    outputs: Object.fromEntries(
      (Object.keys(STACK_EXPORTS) as ExportKey[]).map((key) => [key, sampleExport(key)]),
    ),
    secretOutputNames: (Object.keys(STACK_EXPORTS) as ExportKey[]).filter((key) => STACK_EXPORTS[key].secret),
  }),
  "aws:ec2/instance:Instance": (name) => ({
    privateIp: fakeIp(name),
    privateDns: `ip-${fakeIp(name).replace(/\./g, "-")}.internal`,
  }),
  "aws:ec2/networkInterface:NetworkInterface": (name, inputs) => ({
    privateIp: (inputs.privateIps as string[] | undefined)?.[0] ?? fakeIp(name),
  }),
  "aws:lb/loadBalancer:LoadBalancer": (name, _i, region) => ({
    dnsName: `${name}-0123456789.elb.${region}.amazonaws.com`,
    zoneId: "Z2IFOLAFXWLO4F",
  }),
  "aws:eks/cluster:Cluster": (name, _i, region) => ({
    endpoint: `https://${name.toUpperCase()}0123456789.gr7.${region}.eks.amazonaws.com`,
    certificateAuthority: { data: Buffer.from(`mock-ca-for-${name}`).toString("base64") },
    identities: [{ oidcs: [{ issuer: `https://oidc.eks.${region}.amazonaws.com/id/0123456789ABCDEF` }] }],
    clusterSecurityGroupId: `sg-${name}-cluster`,
  }),
  "aws:s3/bucket:Bucket": (name, inputs) => ({
    bucket: (inputs.bucket as string) ?? `${name}-0123456`,
    bucketRegionalDomainName: `${name}.s3.amazonaws.com`,
  }),
  "aws:secretsmanager/secret:Secret": (name) => ({ name }),
  // One DNS validation record per name, as ACM answers for a DNS-validated request.
  "aws:acm/certificate:Certificate": (name, inputs) => ({
    domainValidationOptions: [
      inputs.domainName as string,
      ...((inputs.subjectAlternativeNames as string[]) ?? []),
    ].map((domain) => ({
      domainName: domain,
      resourceRecordName: `_mock${name.length}.${domain.replace(/^\*\./, "")}.`,
      resourceRecordType: "CNAME",
      resourceRecordValue: `_mock.acm-validations.aws.`,
    })),
  }),
  "aws:route53/record:Record": (_name, inputs) => ({ fqdn: inputs.name }),
  // Recognisable, so a test that scans ConfigMaps or user-data for a generated password finds it.
  // bcryptHash: bcrypt's shape (cost, 22 + 31 characters), derived from the name; not a real hash
  // (test/logging/graylog/opensearch.test.ts checks a real one against its password).
  "random:index/randomPassword:RandomPassword": (name) => ({
    result: `mock-password-${name}`,
    bcryptHash: `$2a$10$${mockBcryptBody(name)}`,
  }),
  "aws:route53/zone:Zone": (name) => ({ zoneId: `Z${name.toUpperCase().replace(/[^A-Z0-9]/g, "")}` }),
  // Realistic PEM armour, so a test that scans user-data for key material would catch a leak.
  "tls:index/privateKey:PrivateKey": (name) => ({
    privateKeyPem: `-----BEGIN PRIVATE KEY-----\nMOCK-${name}\n-----END PRIVATE KEY-----\n`,
    privateKeyPemPkcs8: `-----BEGIN PRIVATE KEY-----\nMOCK-${name}\n-----END PRIVATE KEY-----\n`,
    publicKeyPem: `-----BEGIN PUBLIC KEY-----\nMOCK-${name}\n-----END PUBLIC KEY-----\n`,
  }),
  "tls:index/certRequest:CertRequest": (name) => ({
    certRequestPem: `-----BEGIN CERTIFICATE REQUEST-----\nMOCK-${name}\n-----END CERTIFICATE REQUEST-----\n`,
  }),
  "tls:index/selfSignedCert:SelfSignedCert": (name) => ({
    certPem: `-----BEGIN CERTIFICATE-----\nMOCK-${name}\n-----END CERTIFICATE-----\n`,
  }),
  "tls:index/locallySignedCert:LocallySignedCert": (name) => ({
    certPem: `-----BEGIN CERTIFICATE-----\nMOCK-${name}\n-----END CERTIFICATE-----\n`,
  }),
};

/** `sample:<key>`, as a list or record when the contract says so (records get every declared key). */
export function sampleExport(key: ExportKey): unknown {
  const spec = STACK_EXPORTS[key];
  if (spec.shape === "string[]") return [`sample:${key}:0`, `sample:${key}:1`];
  if (spec.shape === "record") return Object.fromEntries(spec.keys.map((k) => [k, `sample:${key}:${k}`]));
  return `sample:${key}`;
}

/**
 * What a provider's auto-naming gives a resource that names none: the logical name plus a suffix
 * (Pulumi adds 7 random hex digits for AWS, 8 characters for Kubernetes). Here the suffix is
 * derived from type and name, so a plan is the same on every run and still shows that the physical
 * name is not the logical one.
 */
export function autoName(type: string, name: string): string {
  const suffix = createHash("sha256").update(`${type}::${name}`).digest("hex");
  return `${name}-${suffix.slice(0, type.startsWith("kubernetes:") ? 8 : 7)}`;
}

/** Kubernetes objects carry their name in metadata: fill it as the provider would. */
function kubernetesState(args: pulumi.runtime.MockResourceArgs): Record<string, unknown> {
  const metadata = (args.inputs.metadata as Record<string, unknown> | undefined) ?? {};
  return { metadata: { ...metadata, name: metadata.name ?? autoName(args.type, args.name) } };
}

/**
 * The AMI a lookup finds: derived from its arguments (owners, filters), so a resource's image id
 * tells which lookup chose it and a lookup with other arguments yields another image.
 */
export function mockAmiId(inputs: Record<string, unknown>): string {
  const digest = createHash("sha256").update(JSON.stringify(inputs)).digest("hex");
  return `ami-${digest.slice(0, 17)}`;
}

export function mockResource(
  args: pulumi.runtime.MockResourceArgs,
  region: string,
): pulumi.runtime.MockResourceResult {
  const prefix = args.inputs.namePrefix as string | undefined;
  const name =
    (args.inputs.name as string | undefined) ??
    (prefix === undefined ? autoName(args.type, args.name) : `${prefix}${autoName(args.type, "").slice(1)}`);
  const service = args.type.split(":")[1]?.split("/")[0] ?? "resource";
  const state = {
    ...args.inputs,
    name,
    ...(args.type.startsWith("kubernetes:") ? kubernetesState(args) : {}),
    arn: `arn:aws:${service}:${region}:${MOCK_ACCOUNT}:${shortType(args.type).toLowerCase()}/${args.name}`,
    ...(computedByType[args.type]?.(args.name, args.inputs, region) ?? {}),
  };
  return { id: args.custom === false ? undefined : `${args.name}-id`, state };
}

const calls: Record<string, (inputs: Record<string, unknown>, region: string) => Record<string, unknown>> = {
  "aws:index/getAvailabilityZones:getAvailabilityZones": (_i, region) => ({
    names: ["a", "b", "c", "d", "e", "f"].map((l) => `${region}${l}`),
    zoneIds: ["1", "2", "3", "4", "5", "6"].map((n) => `euw1-az${n}`),
  }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: MOCK_ACCOUNT,
    arn: `arn:aws:iam::${MOCK_ACCOUNT}:user/mock`,
    userId: "MOCK",
  }),
  // The deploying identity is a user here; for an assumed role, the issuer is the role.
  "aws:iam/getSessionContext:getSessionContext": (inputs) => ({ arn: inputs.arn, issuerArn: inputs.arn }),
  "aws:index/getRegion:getRegion": (_i, region) => ({ name: region, region, id: region }),
  "aws:index/getPartition:getPartition": () => ({ partition: "aws", dnsSuffix: "amazonaws.com" }),
  "aws:ec2/getAmi:getAmi": (inputs) => ({
    id: mockAmiId(inputs),
    name: "al2023-ami-2023.6-kernel-6.1-x86_64",
    owners: inputs.owners,
  }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({ json: JSON.stringify(inputs) }),
  // A TLS secret as components/etcd writes it (ca.crt, tls.crt, tls.key in one JSON document).
  "aws:secretsmanager/getSecretVersion:getSecretVersion": (inputs) => ({
    arn: inputs.secretId,
    secretString: JSON.stringify({
      "ca.crt": "-----BEGIN CERTIFICATE-----\nMOCK-CA\n-----END CERTIFICATE-----\n",
      "tls.crt": "-----BEGIN CERTIFICATE-----\nMOCK-CLIENT\n-----END CERTIFICATE-----\n",
      "tls.key": "-----BEGIN PRIVATE KEY-----\nMOCK-CLIENT\n-----END PRIVATE KEY-----\n",
    }),
  }),
};

export function mockCall(args: pulumi.runtime.MockCallArgs, region: string): Record<string, unknown> {
  return calls[args.token]?.(args.inputs, region) ?? args.inputs;
}
