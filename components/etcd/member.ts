import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { createInstanceRole } from "../common/instanceRole";
import { createDataVolume, createHostInstance, createHostInterface } from "../common/statefulHost";
import { logsCredentialsStatement, resolveLogsTarget, type HostLogsTarget } from "../common/host/fluentBit";
import {
  resolveMetricsTarget,
  telegrafCredentialsStatement,
  type HostMetricsTarget,
} from "../common/host/telegraf";
import type { EtcdConfig } from "../config/areas/etcd";
import type { MemberPlan } from "./placement";
import { peerSpec } from "./placement";
import { createLeafCert, createTlsSecret, restrictSecretReaders, type ClusterCa } from "../common/pki";
import type { EtcdRelease } from "./releases";
import { ETCD_HOST, MEMBER_CN, TLS_FILES } from "./render/layout";
import { renderMemberUserData } from "./render/userData";

export interface EtcdMemberArgs {
  plan: MemberPlan;
  /** The plans of every member, to name the ones in this member's initial cluster. */
  allMembers: readonly MemberPlan[];
  subnetId: pulumi.Input<string>;
  securityGroupId: pulumi.Input<string>;
  zoneId: pulumi.Input<string>;
  ca: ClusterCa;
  amiId: pulumi.Input<string>;
  release: EtcdRelease;
  instanceType: string;
  dataVolume: EtcdConfig["dataVolume"];
  volumeTags: Record<string, string>;
  backup: {
    bucketName: pulumi.Input<string>;
    bucketArn: pulumi.Input<string>;
    schedule: string;
    /** Secret of the backup identity, which every member reads. */
    secretArn: pulumi.Input<string>;
  };
  /** The identity running `pulumi up`, the one reader of secrets besides their principals. */
  deployer: pulumi.Input<string>;
  clusterToken: string;
  /** Protect the data volume from deletion and replacement (production). */
  protectData: boolean;
  /** Where the member's Telegraf writes; none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the members' Fluent Bit ships their journals; none: no shipping. */
  logs?: HostLogsTarget;
}

/**
 * One etcd member: a fixed network interface (its stable address), a DNS record, its own
 * certificate and secret, its own retained data volume, and an instance that can be replaced
 * without losing any of them.
 */
export class EtcdMember extends pulumi.ComponentResource {
  readonly privateIp: pulumi.Output<string>;
  readonly instance: aws.ec2.Instance;
  readonly volume: aws.ebs.Volume;
  /** The member's instance role: reads its own secret and the backup identity's. */
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: EtcdMemberArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:etcd:EtcdMember", name, {}, opts);
    const m = args.plan;

    const eni = createHostInterface(this, name, {
      subnetId: args.subnetId,
      securityGroupId: args.securityGroupId,
      zoneId: args.zoneId,
      fqdn: m.fqdn,
      description: `etcd member ${m.name}`,
    });
    this.privateIp = eni.privateIp;

    const leaf = createLeafCert(
      `${name}-tls`,
      args.ca,
      { commonName: MEMBER_CN, dnsNames: [m.fqdn, "localhost"], ipAddresses: [eni.privateIp, "127.0.0.1"] },
      this,
    );
    const secret = createTlsSecret(
      `${name}-tls`,
      `etcd member ${m.name}: ${Object.values(TLS_FILES).join(", ")}`,
      args.ca,
      leaf,
      this,
    );

    // Role marks it as a data volume for the data-volumes-protected policy (docs/policies.md).
    // Never deleted with the stack; a change that would replace it fails instead (docs/etcd.md,
    // "What replaces a volume").
    this.volume = createDataVolume(this, name, {
      availabilityZone: m.availabilityZone,
      volume: { type: "gp3", ...args.dataVolume },
      tags: { Member: m.name, Role: "etcd", ...args.volumeTags },
      protect: args.protectData,
    });

    const { profile, role } = createInstanceRole(
      name,
      {
        statements: [
          {
            Effect: "Allow",
            Action: "secretsmanager:GetSecretValue",
            Resource: [secret.arn, args.backup.secretArn],
          },
          ...(args.metrics ? [telegrafCredentialsStatement(args.metrics)] : []),
          ...(args.logs ? [logsCredentialsStatement(args.logs)] : []),
          {
            Effect: "Allow",
            Action: "s3:PutObject",
            Resource: pulumi.interpolate`${args.backup.bucketArn}/${m.name}/*`,
          },
        ],
      },
      this,
    );

    this.roleArn = role.arn;
    restrictSecretReaders(`${name}-tls`, secret, [role.arn], args.deployer, this);

    const byName = new Map(args.allMembers.map((p) => [p.name, p]));
    const userData = pulumi
      .all([
        this.volume.id,
        secret.arn,
        args.backup.bucketName,
        args.backup.secretArn,
        resolveMetricsTarget(args.metrics),
        resolveLogsTarget(args.logs),
      ])
      .apply(([volumeId, tlsSecretArn, bucket, backupSecretArn, metrics, logs]) =>
        renderMemberUserData({
          metrics,
          logs,
          fqdn: m.fqdn,
          release: args.release,
          volumeId,
          tlsSecretArn,
          backupSecretArn,
          backup: { bucket, schedule: args.backup.schedule },
          config: {
            self: peerSpec(m),
            initialCluster: m.initialCluster.map((n) => peerSpec(byName.get(n)!)),
            clusterState: m.clusterState,
            clusterToken: args.clusterToken,
            listenAddress: "0.0.0.0",
            dataDir: ETCD_HOST.dataDir,
            tls: {
              caFile: `${ETCD_HOST.pkiDir}/${TLS_FILES.ca}`,
              certFile: `${ETCD_HOST.pkiDir}/${TLS_FILES.cert}`,
              keyFile: `${ETCD_HOST.pkiDir}/${TLS_FILES.key}`,
            },
            metricsUrl: ETCD_HOST.metricsUrl,
          },
        }),
      );

    this.instance = createHostInstance(this, name, {
      eni,
      volume: this.volume,
      amiId: args.amiId,
      instanceType: args.instanceType,
      instanceProfile: profile.name,
      rootVolumeGiB: 16,
      userData,
      tags: { Member: m.name },
      // A new AMI, etcd version or instance type would restart or replace every member at once
      // and lose quorum: members change only when rolled one at a time (docs/etcd.md).
      ignoreChanges: ["ami", "instanceType", "userData"],
    });

    this.registerOutputs({
      privateIp: this.privateIp,
      instanceId: this.instance.id,
      volumeId: this.volume.id,
    });
  }
}
