/**
 * The parts every stateful host is made of (etcd members, database members), created under the
 * host's own component with the same resource names everywhere (`<name>` for the interface, its
 * DNS record and the instance, `<name>-data` for the volume and its attachment):
 *
 * - a network interface that outlives instances, so a replacement keeps the address, peers and
 *   DNS never change, and the security group lives on the interface; with its private A record;
 * - the data volume as its own encrypted resource, never deleted with the stack
 *   (`retainOnDelete`) and, when protected, never replaced: a change that would replace it fails;
 * - an instance (IMDSv2 only, encrypted root volume) that takes over the interface and mounts the
 *   volume by id, so it can be replaced without losing either.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export function createHostInterface(
  parent: pulumi.Resource,
  name: string,
  a: {
    subnetId: pulumi.Input<string>;
    securityGroupId: pulumi.Input<string>;
    zoneId: pulumi.Input<string>;
    fqdn: string;
    description: string;
  },
): aws.ec2.NetworkInterface {
  const eni = new aws.ec2.NetworkInterface(
    name,
    {
      subnetId: a.subnetId,
      securityGroups: [a.securityGroupId],
      description: a.description,
      tags: { Name: name },
    },
    { parent },
  );
  new aws.route53.Record(
    name,
    { zoneId: a.zoneId, name: a.fqdn, type: "A", ttl: 30, records: [eni.privateIp] },
    { parent },
  );
  return eni;
}

export interface HostDataVolume {
  type: "gp3" | "io2";
  sizeGiB: number;
  iops: number;
  /** gp3 only; io2 scales throughput with IOPS. */
  throughputMiBps: number;
}

export function createDataVolume(
  parent: pulumi.Resource,
  name: string,
  a: { availabilityZone: string; volume: HostDataVolume; tags: Record<string, string>; protect: boolean },
): aws.ebs.Volume {
  const v = a.volume;
  return new aws.ebs.Volume(
    `${name}-data`,
    {
      availabilityZone: a.availabilityZone,
      type: v.type,
      size: v.sizeGiB,
      iops: v.iops,
      ...(v.type === "gp3" ? { throughput: v.throughputMiBps } : {}),
      encrypted: true,
      finalSnapshot: true,
      tags: { Name: `${name}-data`, ...a.tags },
    },
    { parent, retainOnDelete: true, protect: a.protect },
  );
}

export function createHostInstance(
  parent: pulumi.Resource,
  name: string,
  a: {
    eni: aws.ec2.NetworkInterface;
    volume: aws.ebs.Volume;
    amiId: pulumi.Input<string>;
    instanceType: string;
    instanceProfile: pulumi.Input<string>;
    rootVolumeGiB: number;
    userData: pulumi.Input<string>;
    tags: Record<string, string>;
    /** What replaces the instance, and what it ignores (rolled instead): the host's own policy. */
    replaceOnChanges?: string[];
    ignoreChanges: string[];
  },
): aws.ec2.Instance {
  const instance = new aws.ec2.Instance(
    name,
    {
      ami: a.amiId,
      instanceType: a.instanceType,
      iamInstanceProfile: a.instanceProfile,
      primaryNetworkInterface: { networkInterfaceId: a.eni.id },
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1, httpEndpoint: "enabled" },
      rootBlockDevice: {
        encrypted: true,
        volumeType: "gp3",
        volumeSize: a.rootVolumeGiB,
        deleteOnTermination: true,
      },
      monitoring: true,
      userData: a.userData,
      tags: { Name: name, ...a.tags },
    },
    {
      parent,
      // The new instance takes over the old one's interface, so the old one must go first.
      deleteBeforeReplace: true,
      ...(a.replaceOnChanges ? { replaceOnChanges: a.replaceOnChanges } : {}),
      ignoreChanges: a.ignoreChanges,
    },
  );
  new aws.ec2.VolumeAttachment(
    `${name}-data`,
    {
      deviceName: "/dev/sdf",
      volumeId: a.volume.id,
      instanceId: instance.id,
      stopInstanceBeforeDetaching: true,
    },
    { parent, deleteBeforeReplace: true },
  );
  return instance;
}
