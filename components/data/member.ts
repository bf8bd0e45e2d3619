import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createInstanceRole } from "../common/instanceRole";
import type { DataMemberPlan } from "./placement";

export interface DataVolumeSpec {
  type: "gp3" | "io2";
  sizeGiB: number;
  iops: number;
  throughputMiBps: number;
}

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

    const eni = new aws.ec2.NetworkInterface(
      name,
      {
        subnetId: args.subnetId,
        securityGroups: [args.securityGroupId],
        description: `${args.role} member ${m.name}`,
        tags: { Name: name },
      },
      { parent: this },
    );
    this.privateIp = eni.privateIp;

    new aws.route53.Record(
      name,
      { zoneId: args.zoneId, name: m.fqdn, type: "A", ttl: 30, records: [eni.privateIp] },
      { parent: this },
    );

    const v = args.volume;
    this.volume = new aws.ebs.Volume(
      `${name}-data`,
      {
        availabilityZone: m.availabilityZone,
        type: v.type,
        size: v.sizeGiB,
        iops: v.iops,
        // Only gp3 provisions throughput; io2 scales it with IOPS.
        ...(v.type === "gp3" ? { throughput: v.throughputMiBps } : {}),
        encrypted: true,
        finalSnapshot: true,
        tags: { Name: `${name}-data`, Member: m.name, Role: args.role, ...args.volumeTags },
      },
      // The volume is the member's data: never deleted with the stack, and a change that would
      // replace it fails instead (docs/databases.md, "What replaces what").
      { parent: this, retainOnDelete: true, protect: args.protectData },
    );

    const { profile } = createInstanceRole(name, { statements: args.statements }, this);

    this.instance = new aws.ec2.Instance(
      name,
      {
        ami: args.amiId,
        instanceType: args.instanceType,
        iamInstanceProfile: profile.name,
        primaryNetworkInterface: { networkInterfaceId: eni.id },
        metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
        rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 20, deleteOnTermination: true },
        monitoring: true,
        userData: args.userData(this.volume.id),
        tags: { Name: name, Member: m.name, Role: args.role },
      },
      {
        parent: this,
        // The new instance takes over the old one's interface, so the old one must go first.
        deleteBeforeReplace: true,
        // A new instance type or pinned AMI is a replacement (the volume and name stay); user-data
        // edits apply to the next instance rather than stopping a running database.
        replaceOnChanges: args.amiPinned ? ["ami", "instanceType"] : ["instanceType"],
        ignoreChanges: args.amiPinned ? ["userData"] : ["ami", "userData"],
      },
    );

    new aws.ec2.VolumeAttachment(
      `${name}-data`,
      {
        deviceName: "/dev/sdf",
        volumeId: this.volume.id,
        instanceId: this.instance.id,
        stopInstanceBeforeDetaching: true,
      },
      { parent: this, deleteBeforeReplace: true },
    );

    this.registerOutputs({
      privateIp: this.privateIp,
      instanceId: this.instance.id,
      volumeId: this.volume.id,
    });
  }
}
