import * as aws from "@pulumi/aws";
import { privateZone } from "../common/privateZone";
import * as pulumi from "@pulumi/pulumi";
import { al2023Ami } from "../common/ami";
import { instanceArch } from "../common/architecture";
import { createRules } from "../common/sgRules";
import type { EtcdConfig } from "../config/areas/etcd";
import type { Colour } from "../../model/validators";
import { createVolumeSnapshotPolicy, snapshotTag } from "../common/volumeSnapshots";
import { createBackupBucket } from "./backups";
import { EtcdMember } from "./member";
import { clientEndpoints, etcdZoneName, planMembers } from "./placement";
import { BACKUP, DEPLOYER, REGISTRAR, agentIdentity, etcdIdentities, type EtcdIdentity } from "./access";
import {
  createCa,
  createLeafCert,
  createTlsSecret,
  deployingPrincipal,
  restrictSecretReaders,
  type LeafCert,
} from "../common/pki";
import { etcdRelease } from "./releases";
import { etcdRules } from "./securityRules";
import type { HostMetricsTarget } from "../common/host/telegraf";
import type { HostLogsTarget } from "../common/host/fluentBit";

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
  /** Where the members' Telegraf writes; none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the members' Fluent Bit ships their journals; none: no shipping. */
  logs?: HostLogsTarget;
}

/** One identity's credential: its Secrets Manager secret and, for clients in this stack, the PEMs. */
export interface EtcdClientCredential {
  identity: EtcdIdentity;
  secretArn: pulumi.Output<string>;
  /**
   * The certificate and key straight from @pulumi/tls (key a secret), for clients in this stack:
   * reading them back from Secrets Manager would race the secret's first version.
   */
  certPem: pulumi.Output<string>;
  keyPem: pulumi.Output<string>;
}

/**
 * The routing store: 3 or 5 etcd members over the AZs, peer and client mTLS from one cluster
 * CA, stable names in a private zone, retained data volumes, S3 and EBS backups.
 */
export class EtcdCluster extends pulumi.ComponentResource {
  /** Its private hosted zone (member names); the deploy runners' VPC may be associated too. */
  readonly zoneId: pulumi.Output<string>;
  /** https://etcd-N.<zone>:2379 for every member. */
  readonly clientEndpoints: string[];
  readonly caCertPem: pulumi.Output<string>;
  /** The HAProxy agents' credential per fleet (secret read by that fleet's instance role). */
  readonly agentCredentials: Record<Colour, EtcdClientCredential>;
  /** The registrar's credential; it reaches the pods as a Kubernetes Secret, not from AWS. */
  readonly registrarCredential: EtcdClientCredential;
  /** The deploy runners' credential, the only one app teams' stacks get (etcdClientSecretArn). */
  readonly deployerCredential: EtcdClientCredential;
  readonly backupBucket: pulumi.Output<string>;
  readonly members: EtcdMember[];
  private readonly secrets: Map<string, aws.secretsmanager.Secret>;
  private readonly deployer: pulumi.Output<string>;

  constructor(
    private readonly clusterName: string,
    args: EtcdClusterArgs,
    opts?: pulumi.ComponentResourceOptions,
  ) {
    super("switchyard:etcd:EtcdCluster", clusterName, {}, opts);
    const name = clusterName;
    const cfg = args.config;
    const stack = pulumi.getStack();

    const zoneName = etcdZoneName(stack);
    const zone = privateZone(
      `${name}-zone`,
      { domain: zoneName, comment: "etcd member names", vpcId: args.vpcId },
      this,
    );
    this.zoneId = zone.zoneId;

    const ca = createCa(name, this);
    this.deployer = deployingPrincipal(this);
    // One certificate per identity, its CN the etcd user; each in its own secret.
    const issued = new Map<string, { leaf: LeafCert; secret: aws.secretsmanager.Secret }>();
    for (const identity of etcdIdentities()) {
      const id = `${name}-${identity.id}`;
      const leaf = createLeafCert(id, ca, { commonName: identity.user }, this);
      const secret = createTlsSecret(
        `${id}-tls`,
        `etcd client certificate of ${identity.holder}`,
        ca,
        leaf,
        this,
      );
      issued.set(identity.id, { leaf, secret });
    }
    const credential = (identity: EtcdIdentity): EtcdClientCredential => {
      const { leaf, secret } = issued.get(identity.id)!;
      return {
        identity,
        secretArn: secret.arn,
        certPem: leaf.cert.certPem,
        keyPem: pulumi.secret(leaf.key.privateKeyPem),
      };
    };
    this.secrets = new Map([...issued].map(([id, v]) => [id, v.secret]));
    this.agentCredentials = {
      blue: credential(agentIdentity("blue")),
      green: credential(agentIdentity("green")),
    };
    this.registrarCredential = credential(REGISTRAR);
    this.deployerCredential = credential(DEPLOYER);
    // No AWS principal reads the registrar's secret: the stack hands its PEMs to the Kubernetes Secret.
    restrictSecretReaders(
      `${name}-${REGISTRAR.id}-tls`,
      issued.get(REGISTRAR.id)!.secret,
      [],
      this.deployer,
      this,
    );
    restrictSecretReaders(
      `${name}-${DEPLOYER.id}-tls`,
      issued.get(DEPLOYER.id)!.secret,
      cfg.deployRunnerRoleArns,
      this.deployer,
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
            metrics: args.metrics,
            logs: args.logs,
            backup: {
              bucketName: bucket.bucket,
              bucketArn: bucket.arn,
              schedule: cfg.backup.schedule,
              secretArn: issued.get(BACKUP.id)!.secret.arn,
            },
            deployer: this.deployer,
            clusterToken: `${name}-${stack}`,
            protectData: args.protectData,
          },
          { parent: this },
        ),
    );

    restrictSecretReaders(
      `${name}-${BACKUP.id}-tls`,
      issued.get(BACKUP.id)!.secret,
      this.members.map((m) => m.roleArn),
      this.deployer,
      this,
    );

    this.clientEndpoints = clientEndpoints(plans);
    this.caCertPem = ca.cert.certPem;
    this.backupBucket = bucket.bucket;
    this.registerOutputs({
      clientEndpoints: this.clientEndpoints,
      caCertPem: this.caCertPem,
      deployerSecretArn: this.deployerCredential.secretArn,
      backupBucket: this.backupBucket,
    });
  }

  /**
   * Names the readers of the agents' secrets, which are created before the fleets that read them
   * (the fleets' user-data needs the secret ARNs): every secret ends up readable by its principal only.
   */
  restrictAgentSecrets(readers: EtcdSecretReaders): void {
    for (const [fleet, role] of Object.entries(readers.agents) as [Colour, pulumi.Input<string>][]) {
      const id = agentIdentity(fleet).id;
      restrictSecretReaders(
        `${this.clusterName}-${id}-tls`,
        this.secrets.get(id)!,
        [role],
        this.deployer,
        this,
      );
    }
  }
}

export interface EtcdSecretReaders {
  /** Instance role of each HAProxy fleet: the only reader of its agents' secret. */
  agents: Record<Colour, pulumi.Input<string>>;
}
