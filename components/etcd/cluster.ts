import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { al2023Ami } from "../common/ami";
import { instanceArch } from "../common/architecture";
import { createRules } from "../common/sgRules";
import type { EtcdConfig } from "../config/areas/etcd";
import { createVolumeSnapshotPolicy, snapshotTag } from "../common/volumeSnapshots";
import { createBackupBucket } from "./backups";
import { EtcdMember } from "./member";
import { clientEndpoints, etcdZoneName, planMembers } from "./placement";
import { createCa, createLeafCert, createTlsSecret } from "../common/pki";
import { etcdRelease } from "./releases";
import { CLIENT_CN } from "./render/layout";
import { etcdRules } from "./securityRules";

export interface EtcdClusterArgs {
  config: EtcdConfig;
  vpcId: pulumi.Input<string>;
  availabilityZones: string[];
  /** Data-tier subnets by AZ name (Network.subnets.data). */
  subnets: Record<string, { id: pulumi.Input<string> }>;
  securityGroupIds: {
    etcd: pulumi.Input<string>;
    haproxy: pulumi.Input<string>;
    nodes: pulumi.Input<string>;
  };
  /** Protect data volumes against deletion and replacement (production). */
  protectData: boolean;
}

/**
 * The routing store: 3 or 5 etcd members over the AZs, peer and client mTLS from one cluster
 * CA, stable names in a private zone, retained data volumes, S3 and EBS backups.
 */
export class EtcdCluster extends pulumi.ComponentResource {
  /** https://etcd-N.<zone>:2379 for every member. */
  readonly clientEndpoints: string[];
  readonly caCertPem: pulumi.Output<string>;
  /** Secrets Manager secret with ca.crt, tls.crt and tls.key for clients (agents, deploy runners). */
  readonly clientSecretArn: pulumi.Output<string>;
  /**
   * The same client certificate and key straight from @pulumi/tls (key a secret), for clients in
   * this stack: reading them back from Secrets Manager would race the secret's first version.
   */
  readonly clientCertPem: pulumi.Output<string>;
  readonly clientKeyPem: pulumi.Output<string>;
  readonly backupBucket: pulumi.Output<string>;
  readonly members: EtcdMember[];

  constructor(name: string, args: EtcdClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:etcd:EtcdCluster", name, {}, opts);
    const cfg = args.config;
    const stack = pulumi.getStack();

    const zoneName = etcdZoneName(stack);
    const zone = new aws.route53.Zone(
      `${name}-zone`,
      { name: zoneName, comment: "etcd member names", vpcs: [{ vpcId: args.vpcId }], forceDestroy: false },
      { parent: this },
    );

    const ca = createCa(name, this);
    const client = createLeafCert(`${name}-client`, ca, { commonName: CLIENT_CN }, this);
    const clientSecret = createTlsSecret(
      `${name}-client-tls`,
      "etcd client certificate for agents and deploy runners",
      ca,
      client,
      this,
    );

    const bucket = createBackupBucket(name, cfg.backup.retentionDays, this);
    createVolumeSnapshotPolicy(name, { count: cfg.backup.volumeSnapshotsKept }, this);

    createRules(
      name,
      args.securityGroupIds.etcd,
      etcdRules(args.securityGroupIds, cfg.deployRunnerCidrs),
      this,
    );

    const arch = instanceArch(cfg.instanceType);
    const amiId = al2023Ami(arch, this);
    const release = etcdRelease(cfg.version, arch);
    const plans = planMembers(cfg.members, cfg.initialMembers, args.availabilityZones, zoneName);
    this.members = plans.map(
      (plan) =>
        new EtcdMember(
          plan.name,
          {
            plan,
            allMembers: plans,
            subnetId: args.subnets[plan.availabilityZone].id,
            securityGroupId: args.securityGroupIds.etcd,
            zoneId: zone.zoneId,
            ca,
            amiId,
            release,
            instanceType: cfg.instanceType,
            dataVolume: cfg.dataVolume,
            volumeTags: snapshotTag(name),
            backup: { bucketName: bucket.bucket, bucketArn: bucket.arn, schedule: cfg.backup.schedule },
            clusterToken: `${name}-${stack}`,
            protectData: args.protectData,
          },
          { parent: this },
        ),
    );

    this.clientEndpoints = clientEndpoints(plans);
    this.caCertPem = ca.cert.certPem;
    this.clientSecretArn = clientSecret.arn;
    this.clientCertPem = client.cert.certPem;
    this.clientKeyPem = pulumi.secret(client.key.privateKeyPem);
    this.backupBucket = bucket.bucket;
    this.registerOutputs({
      clientEndpoints: this.clientEndpoints,
      caCertPem: this.caCertPem,
      clientSecretArn: this.clientSecretArn,
      backupBucket: this.backupBucket,
    });
  }
}
