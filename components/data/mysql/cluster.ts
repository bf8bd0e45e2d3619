import * as aws from "@pulumi/aws";
import { privateZone } from "../../common/privateZone";
import * as pulumi from "@pulumi/pulumi";
import { instanceArch } from "../../common/architecture";
import type { HostAgent } from "../../common/host/cloudInit";
import type { HostMetricsTarget } from "../../common/host/telegraf";
import { TLS_FILES } from "../../common/host/secretFiles";
import { createCa } from "../../common/pki";
import { createVolumeSnapshotPolicy } from "../../common/volumeSnapshots";
import type { MysqlConfig } from "../../config/areas/databases";
import { createCredentials } from "../credentials";
import { createAppSecret, createDatabaseService, serviceDnsNames } from "../kubernetes";
import { clusterMemberShared, createDatabaseMember, type DataMember, memberPlacement } from "../member";
import { dataZoneName, planDataMembers } from "../placement";
import { mysqlRelease } from "./releases";
import { dataTelegraf } from "../telegraf";
import { MYSQL_CREDENTIALS, MYSQL_PORT, MYSQL_USERS } from "./render/layout";
import { MYSQL_MONITOR_PASSWORD_ENV, mysqlTelegrafInputs } from "./render/telegraf";
import {
  hostFluentBit,
  logsCredentialsStatement,
  resolveLogsTarget,
  type HostLogsTarget,
} from "../../common/host/fluentBit";

/** The units whose journal a mysql host ships (cloud-final: the boot itself). */
export const MYSQL_LOG_UNITS = [
  "switchyard-mysql.service",
  "mysql-bootstrap.service",
  "mysql-primary.service",
  "mysql-data.service",
  "mysql-tls.service",
  "mysql-credentials.service",
  "cloud-final.service",
];
import { renderMysqlMemberUserData } from "./render/userData";

export interface MysqlClusterArgs {
  config: MysqlConfig;
  snapshotRetentionDays: number;
  vpcId: pulumi.Input<string>;
  availabilityZones: string[];
  /** Data-tier subnets by AZ name (Network.subnets.data). */
  subnets: Record<string, { id: pulumi.Input<string> }>;
  /** The `databases` security group (its rules: DatabaseNetwork). */
  securityGroupId: pulumi.Input<string>;
  /** Namespace of the apps: the Services and the Secret live there. */
  appsNamespace: pulumi.Input<string>;
  protectData: boolean;
  /** Extra agents every member runs (metrics, log shipping), appended to its user-data. */
  hostAgents?: HostAgent[];
  /** Where the members' Telegraf writes (inputs.mysql with replica status); none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the members' Fluent Bit ships their journals (the logging component's host endpoint). */
  logs?: HostLogsTarget;
}

/** Kubernetes names apps use (Services and the Secret in the apps namespace). */
export const MYSQL_SERVICES = {
  primary: "mysql-primary",
  replicas: "mysql-replicas",
  secret: "mysql",
} as const;

/**
 * A MySQL (8.4 LTS) or MariaDB (LTS) primary and its replicas, one host per member over the AZs,
 * GTID replication over TLS, bootstrapped at every boot by a check-then-act program.
 */
export class MysqlCluster extends pulumi.ComponentResource {
  /** Its private hosted zone (member names); the deploy runners' VPC may be associated too. */
  readonly zoneId: pulumi.Output<string>;
  /** Route 53 private names of the primary and of the replicas. */
  readonly primaryEndpoint: string;
  readonly replicaEndpoints: string[];
  readonly caCertPem: pulumi.Output<string>;
  readonly credentialsSecretArn: pulumi.Output<string>;
  readonly secretName: string = MYSQL_SERVICES.secret;
  readonly members: DataMember[];

  constructor(name: string, args: MysqlClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:data:MysqlCluster", name, {}, opts);
    const cfg = args.config;
    const stack = pulumi.getStack();
    const zoneName = dataZoneName("mysql", stack);
    const zone = privateZone(
      `${name}-zone`,
      { domain: zoneName, comment: "MySQL member names", vpcId: args.vpcId },
      this,
    );
    this.zoneId = zone.zoneId;

    const plans = planDataMembers("mysql", cfg.replicas + 1, args.availabilityZones, zoneName);
    const primary = plans.find((p) => p.name === cfg.primary)!;
    const replicas = plans.filter((p) => p !== primary);

    // Which member is the primary lives in SSM, read at every boot: promoting a replica is a
    // config change, not new user-data (docs/databases.md, "Promoting a replica").
    const primaryParameter = new aws.ssm.Parameter(
      `${name}-primary`,
      {
        name: `/switchyard/${stack}/mysql/primary`,
        type: "String",
        value: `${primary.fqdn}:${MYSQL_PORT}`,
        description: "host:port of the MySQL primary; the members' bootstrap reads it",
      },
      { parent: this },
    );

    const credentials = createCredentials(
      `${name}-credentials`,
      MYSQL_CREDENTIALS,
      `MySQL accounts: ${MYSQL_CREDENTIALS.join(", ")}`,
      this,
    );
    const telegraf = dataTelegraf(
      `${name}-telegraf`,
      {
        role: "mysql",
        metrics: args.metrics,
        inputs: mysqlTelegrafInputs({ user: MYSQL_USERS.monitor, mariadb: cfg.engine === "mariadb" }),
        envFile: "mysql.env",
        env: credentials.passwords.monitor.apply((p) => `${MYSQL_MONITOR_PASSWORD_ENV}=${p}\n`),
      },
      this,
    );
    const ca = createCa(name, this);
    createVolumeSnapshotPolicy(name, { days: args.snapshotRetentionDays }, this);

    const arch = instanceArch(cfg.instanceType);
    const release = mysqlRelease(cfg.engine, cfg.version, arch);
    const serviceNames = [MYSQL_SERVICES.primary, MYSQL_SERVICES.replicas].flatMap((s) =>
      serviceDnsNames(s, args.appsNamespace),
    );

    const shared = clusterMemberShared(this, name, "mysql", args, { zoneId: zone.zoneId, config: cfg, ca });
    this.members = plans.map((plan) =>
      createDatabaseMember(this, {
        ...memberPlacement(shared, plan),
        // Clients may name a member by its own name or by either Service; the bootstrap by 127.0.0.1.
        serviceNames,
        tlsDescription: `MySQL member ${plan.name}: ${Object.values(TLS_FILES).join(", ")}`,
        secretArns: [credentials.secret.arn],
        statements: [
          { Effect: "Allow", Action: "ssm:GetParameter", Resource: primaryParameter.arn },
          ...telegraf.statements,
          ...(args.logs ? [logsCredentialsStatement(args.logs)] : []),
        ],
        userData: (volumeId, tlsSecretArn) =>
          pulumi
            .all([
              volumeId,
              tlsSecretArn,
              credentials.secret.arn,
              telegraf.agents,
              resolveLogsTarget(args.logs),
            ])
            .apply(([volume, tlsArn, credentialsArn, telegrafAgents, logs]) =>
              renderMysqlMemberUserData({
                fqdn: plan.fqdn,
                // 0 is not a valid source id; +1 keeps ids unique and stable per member.
                serverId: plan.index + 1,
                release,
                volumeId: volume,
                tlsSecretArn: tlsArn,
                credentialsSecretArn: credentialsArn,
                primaryParameter: `/switchyard/${stack}/mysql/primary`,
                database: cfg.database,
                appUser: cfg.appUser,
                hostAgents: [
                  ...(args.hostAgents ?? []),
                  ...telegrafAgents,
                  ...(logs ? [hostFluentBit({ role: "mysql", units: MYSQL_LOG_UNITS, target: logs })] : []),
                ],
              }),
            ),
      }),
    );
    const byName = new Map(plans.map((p, i) => [p.name, this.members[i]]));

    createDatabaseService(
      name,
      {
        namespace: args.appsNamespace,
        service: MYSQL_SERVICES.primary,
        port: MYSQL_PORT,
        portName: "mysql",
        addresses: [byName.get(primary.name)!.privateIp],
      },
      this,
    );
    // Without replicas, reads go to the primary: apps use one name for reads either way.
    createDatabaseService(
      name,
      {
        namespace: args.appsNamespace,
        service: MYSQL_SERVICES.replicas,
        port: MYSQL_PORT,
        portName: "mysql",
        addresses: (replicas.length ? replicas : [primary]).map((p) => byName.get(p.name)!.privateIp),
      },
      this,
    );
    const host = pulumi.interpolate`${MYSQL_SERVICES.primary}.${args.appsNamespace}.svc.cluster.local`;
    const app = credentials.passwords.app;
    createAppSecret(
      name,
      {
        namespace: args.appsNamespace,
        secret: MYSQL_SERVICES.secret,
        data: {
          host,
          readHost: pulumi.interpolate`${MYSQL_SERVICES.replicas}.${args.appsNamespace}.svc.cluster.local`,
          port: String(MYSQL_PORT),
          database: cfg.database,
          username: cfg.appUser,
          password: app,
          url: pulumi.secret(
            pulumi.interpolate`mysql://${cfg.appUser}:${app}@${host}:${MYSQL_PORT}/${cfg.database}?ssl-mode=VERIFY_IDENTITY`,
          ),
          "ca.crt": ca.cert.certPem,
        },
      },
      this,
    );

    this.primaryEndpoint = primary.fqdn;
    this.replicaEndpoints = replicas.map((p) => p.fqdn);
    this.caCertPem = ca.cert.certPem;
    this.credentialsSecretArn = credentials.secret.arn;
    this.registerOutputs({
      primaryEndpoint: this.primaryEndpoint,
      replicaEndpoints: this.replicaEndpoints,
      caCertPem: this.caCertPem,
      credentialsSecretArn: this.credentialsSecretArn,
    });
  }
}
