import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023Ami } from "../common/ami";
import { instanceArch } from "../common/architecture";
import { createInstanceRole } from "../common/instanceRole";
import { snapshotTag } from "../common/volumeSnapshots";
import { createLeafCert, createTlsSecret, type ClusterCa } from "../common/pki";
import {
  createDataVolume,
  createHostInstance,
  createHostInterface,
  type HostDataVolume,
} from "../common/statefulHost";
import type { DataMemberPlan } from "./placement";

export type DataVolumeSpec = HostDataVolume;

export interface DataMemberArgs {
  plan: DataMemberPlan;
  /** Role tag of the data volume (mysql, mongodb): the data-volumes-protected policy keys on it. */
  role: "mysql" | "mongodb";
  subnetId: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  amiId: pulumi.Input<string>;
  /** The AMI was pinned in config: a change to it replaces the instance (else lookups drift, ignored). */
  amiPinned: boolean;
  instanceType: string;
  volume: DataVolumeSpec;
  volumeTags: Record<string, string>;
  /** Least-privilege statements for what the host reads at boot (its secrets, its SSM parameter). */
  statements: pulumi.Input<Record<string, unknown>>[];
  /** The member's cloud-init document, given its data volume's id. */
  userData: (volumeId: pulumi.Output<string>) => pulumi.Input<string>;
  /** Protect the data volume from deletion and replacement (every stack, see index.ts). */
  protectData: boolean;
}

/**
 * One database member: a fixed network interface (its stable address) and private DNS name, its
 * own encrypted, retained data volume attached by id, and an instance that can be replaced
 * (new AMI, new instance type) without losing any of them: the new instance takes over the
 * interface, mounts the same volume and the bootstrap makes it rejoin with its data.
 */
export class DataMember extends pulumi.ComponentResource {
  readonly privateIp: pulumi.Output<string>;
  readonly instance: aws.ec2.Instance;
  readonly volume: aws.ebs.Volume;

  constructor(name: string, args: DataMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:data:DataMember", name, {}, opts);
    const m = args.plan;

    const eni = createHostInterface(this, name, {
      subnetId: args.subnetId,
      securityGroupId: args.securityGroupId,
      zoneId: args.zoneId,
      fqdn: m.fqdn,
      description: `${args.role} member ${m.name}`,
    });
    this.privateIp = eni.privateIp;

    // Never deleted with the stack; a change that would replace it fails instead (docs/databases.md,
    // "What replaces what").
    this.volume = createDataVolume(this, name, {
      availabilityZone: m.availabilityZone,
      volume: args.volume,
      tags: { Member: m.name, Role: args.role, ...args.volumeTags },
      protect: args.protectData,
    });

    const { profile } = createInstanceRole(name, { statements: args.statements }, this);

    this.instance = createHostInstance(this, name, {
      eni,
      volume: this.volume,
      amiId: args.amiId,
      instanceType: args.instanceType,
      instanceProfile: profile.name,
      rootVolumeGiB: 20,
      userData: args.userData(this.volume.id),
      tags: { Member: m.name, Role: args.role },
      // A new instance type or pinned AMI is a replacement (the volume and name stay); user-data
      // edits apply to the next instance rather than stopping a running database.
      replaceOnChanges: args.amiPinned ? ["ami", "instanceType"] : ["instanceType"],
      ignoreChanges: args.amiPinned ? ["userData"] : ["ami", "userData"],
    });

    this.registerOutputs({
      privateIp: this.privateIp,
      instanceId: this.instance.id,
      volumeId: this.volume.id,
    });
  }
}

export interface DatabaseMemberArgs extends Omit<DataMemberArgs, "statements" | "userData"> {
  ca: ClusterCa;
  /** Names clients may use besides the member's own: the apps' Services. */
  serviceNames: pulumi.Input<string>[];
  tlsDescription: string;
  /** Also store key + certificate as one PEM under this name (MongoDB's certificateKeyFile). */
  combinedPemFile?: string;
  /** The other secrets the host reads at boot (credentials, key file). */
  secretArns: pulumi.Input<string>[];
  /** Further least-privilege statements (e.g. the SSM parameter it reads). */
  statements?: pulumi.Input<Record<string, unknown>>[];
  userData: (volumeId: pulumi.Output<string>, tlsSecretArn: pulumi.Output<string>) => pulumi.Input<string>;
}

/**
 * A database member with its own TLS certificate, valid for its name, the apps' Service names and
 * 127.0.0.1 (the bootstrap), in a secret only its role may read besides the other boot secrets.
 */
export function createDatabaseMember(parent: pulumi.Resource, args: DatabaseMemberArgs): DataMember {
  const { ca, serviceNames, tlsDescription, combinedPemFile, secretArns, statements, userData, ...member } =
    args;
  const name = args.plan.name;
  const leaf = createLeafCert(
    `${name}-tls`,
    ca,
    {
      commonName: args.plan.fqdn,
      dnsNames: [args.plan.fqdn, "localhost", ...serviceNames],
      ipAddresses: ["127.0.0.1"],
    },
    parent,
  );
  const tlsSecret = createTlsSecret(`${name}-tls`, tlsDescription, ca, leaf, parent, combinedPemFile);
  return new DataMember(
    name,
    {
      ...member,
      statements: [
        {
          Effect: "Allow",
          Action: "secretsmanager:GetSecretValue",
          Resource: [tlsSecret.arn, ...secretArns],
        },
        ...(statements ?? []),
      ],
      userData: (volumeId) => userData(volumeId, tlsSecret.arn),
    },
    { parent },
  );
}

/** What every member of one database cluster shares; `memberPlacement` adds a member's own subnet. */
export interface ClusterMemberShared {
  role: DataMemberArgs["role"];
  subnets: Record<string, { id: pulumi.Input<string> }>;
  securityGroupId: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  amiId: pulumi.Input<string>;
  config: { ami?: string; instanceType: string; volume: DataVolumeSpec };
  volumeTags: Record<string, string>;
  protectData: boolean;
  ca: ClusterCa;
}

/**
 * What every member of a cluster shares: the cluster's network and protection settings, the AMI
 * (pinned in config, or the latest AL2023 of the instance type's architecture) and the tag the
 * cluster's snapshot policy selects its volumes by.
 */
export function clusterMemberShared(
  parent: pulumi.Resource,
  name: string,
  role: ClusterMemberShared["role"],
  args: Pick<ClusterMemberShared, "subnets" | "securityGroupId" | "protectData">,
  cluster: Pick<ClusterMemberShared, "zoneId" | "config" | "ca">,
): ClusterMemberShared {
  return {
    role,
    subnets: args.subnets,
    securityGroupId: args.securityGroupId,
    protectData: args.protectData,
    ...cluster,
    amiId: cluster.config.ami ?? al2023Ami(instanceArch(cluster.config.instanceType), parent),
    volumeTags: snapshotTag(name),
  };
}

export function memberPlacement(shared: ClusterMemberShared, plan: DataMemberPlan) {
  return {
    plan,
    role: shared.role,
    subnetId: shared.subnets[plan.availabilityZone]!.id,
    securityGroupId: shared.securityGroupId,
    zoneId: shared.zoneId,
    amiId: shared.amiId,
    amiPinned: shared.config.ami !== undefined,
    instanceType: shared.config.instanceType,
    volume: shared.config.volume,
    volumeTags: shared.volumeTags,
    protectData: shared.protectData,
    ca: shared.ca,
  };
}
