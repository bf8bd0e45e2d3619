import { privateZone } from "../../common/privateZone";
import * as pulumi from "@pulumi/pulumi";
import { instanceArch } from "../../common/architecture";
import type { HostAgent } from "../../common/host/cloudInit";
import type { HostMetricsTarget } from "../../common/host/telegraf";
import { createCa } from "../../common/pki";
import { createVolumeSnapshotPolicy } from "../../common/volumeSnapshots";
import type { MongodbConfig } from "../../config/areas/databases";
import { createCredentials } from "../credentials";
import { createAppSecret, createDatabaseService, serviceDnsNames } from "../kubernetes";
import { clusterMemberShared, createDatabaseMember, type DataMember, memberPlacement } from "../member";
import { dataZoneName, planDataMembers } from "../placement";
import { mongoRelease } from "./releases";
import { dataTelegraf } from "../telegraf";
import { MONGODB_MONITOR_PASSWORD_ENV, MONGODB_TELEGRAF_CA, mongoTelegrafInputs } from "./render/telegraf";
import {
  MONGO_CREDENTIALS,
  MONGO_KEY_FILE,
  MONGO_SERVER_PEM,
  MONGO_SERVICE_PREFIX,
  MONGODB_PORT,
} from "./render/layout";
import {
  hostFluentBit,
  logsCredentialsStatement,
  resolveLogsTarget,
  type HostLogsTarget,
} from "../../common/host/fluentBit";

/** The units whose journal a mongodb host ships (cloud-final: the boot itself). */
export const MONGODB_LOG_UNITS = [
  "switchyard-mongod.service",
  "mongodb-bootstrap.service",
  "mongodb-data.service",
  "mongodb-key.service",
  "mongodb-tls.service",
  "mongodb-credentials.service",
  "switchyard-thp.service",
  "cloud-final.service",
];
import { renderMongoMemberUserData } from "./render/userData";

export interface MongoReplicaSetArgs {
  config: MongodbConfig;
  snapshotRetentionDays: number;
  vpcId: pulumi.Input<string>;
  availabilityZones: string[];
  subnets: Record<string, { id: pulumi.Input<string> }>;
  securityGroupId: pulumi.Input<string>;
  appsNamespace: pulumi.Input<string>;
  protectData: boolean;
  hostAgents?: HostAgent[];
  /**
   * Platform services that keep their state here (Graylog): each gets a database and a user of
   * its name, readWrite on that database only, its password generated like the others.
   */
  serviceUsers?: string[];
  /** Where the members' Telegraf writes (inputs.mongodb over TLS); none: no Telegraf. */
  metrics?: HostMetricsTarget;
  /** Where the members' Fluent Bit ships their journals (the logging component's host endpoint). */
  logs?: HostLogsTarget;
}

/** How a platform service reaches its database: every member by name, TLS, the replica set. */
export interface MongoServiceCredential {
  username: string;
  database: string;
  /** Secret. */
  password: pulumi.Output<string>;
  /** mongodb://user:password@members/database?replicaSet=…&tls=true&authSource=database (secret). */
  uri: pulumi.Output<string>;
}

export const MONGODB_SERVICES = { service: "mongodb", secret: "mongodb" } as const;

/**
 * A MongoDB replica set of 3 or 5 members over the AZs: keyFile internal authentication, TLS,
 * `rs.initiate` exactly once by mongodb-0, users through the localhost exception. Members are
 * named in rs.conf() by their Route 53 private names, which pods resolve through the VPC resolver.
 */
export class MongoReplicaSet extends pulumi.ComponentResource {
  /** Its private hosted zone (member names); the deploy runners' VPC may be associated too. */
  readonly zoneId: pulumi.Output<string>;
  /** host:27017 of every member, as in rs.conf(). */
  readonly hosts: string[];
  readonly replicaSetName: string;
  readonly caCertPem: pulumi.Output<string>;
  readonly secretName: string = MONGODB_SERVICES.secret;
  readonly members: DataMember[];
  /** Credentials of each `serviceUsers` entry, by name. */
  readonly serviceCredentials: Record<string, MongoServiceCredential>;

  constructor(name: string, args: MongoReplicaSetArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:data:MongoReplicaSet", name, {}, opts);
    const cfg = args.config;
    const zoneName = dataZoneName("mongodb", pulumi.getStack());
    const zone = privateZone(
      `${name}-zone`,
      { domain: zoneName, comment: "MongoDB member names", vpcId: args.vpcId },
      this,
    );
    this.zoneId = zone.zoneId;
    const plans = planDataMembers("mongodb", cfg.members, args.availabilityZones, zoneName);
    const serviceUsers = args.serviceUsers ?? [];
    const credentials = createCredentials(
      `${name}-credentials`,
      [...MONGO_CREDENTIALS, ...serviceUsers.map((u) => `${MONGO_SERVICE_PREFIX}${u}`)],
      "MongoDB users: admin, app, monitor",
      this,
    );
    // The key file members authenticate each other with; 64 letters and digits are valid key characters.
    const key = createCredentials(`${name}-keyfile`, [MONGO_KEY_FILE], "MongoDB replica-set key file", this);
    const ca = createCa(name, this);
    const telegraf = dataTelegraf(
      `${name}-telegraf`,
      {
        role: "mongodb",
        metrics: args.metrics,
        inputs: mongoTelegrafInputs(),
        envFile: "mongodb.env",
        env: credentials.passwords.monitor.apply((p) => `${MONGODB_MONITOR_PASSWORD_ENV}=${p}\n`),
        inputCa: { file: MONGODB_TELEGRAF_CA, pem: ca.cert.certPem },
      },
      this,
    );
    createVolumeSnapshotPolicy(name, { days: args.snapshotRetentionDays }, this);

    const arch = instanceArch(cfg.instanceType);
    const release = mongoRelease(cfg.version, arch);
    const serviceNames = serviceDnsNames(MONGODB_SERVICES.service, args.appsNamespace);

    const shared = clusterMemberShared(this, name, "mongodb", args, { zoneId: zone.zoneId, config: cfg, ca });
    this.members = plans.map((plan) =>
      createDatabaseMember(this, {
        ...memberPlacement(shared, plan),
        serviceNames,
        tlsDescription: `MongoDB member ${plan.name}`,
        combinedPemFile: MONGO_SERVER_PEM,
        secretArns: [key.secret.arn, credentials.secret.arn],
        statements: [...telegraf.statements, ...(args.logs ? [logsCredentialsStatement(args.logs)] : [])],
        userData: (volumeId, tlsSecretArn) =>
          pulumi
            .all([
              volumeId,
              tlsSecretArn,
              key.secret.arn,
              credentials.secret.arn,
              telegraf.agents,
              resolveLogsTarget(args.logs),
            ])
            .apply(([volume, tlsArn, keyArn, credentialsArn, telegrafAgents, logs]) =>
              renderMongoMemberUserData({
                fqdn: plan.fqdn,
                release,
                members: plans.map((p) => p.fqdn),
                replicaSetName: cfg.replicaSetName,
                volumeId: volume,
                tlsSecretArn: tlsArn,
                keySecretArn: keyArn,
                credentialsSecretArn: credentialsArn,
                database: cfg.database,
                appUser: cfg.appUser,
                hostAgents: [
                  ...(args.hostAgents ?? []),
                  ...telegrafAgents,
                  ...(logs
                    ? [hostFluentBit({ role: "mongodb", units: MONGODB_LOG_UNITS, target: logs })]
                    : []),
                ],
              }),
            ),
      }),
    );

    createDatabaseService(
      name,
      {
        namespace: args.appsNamespace,
        service: MONGODB_SERVICES.service,
        port: MONGODB_PORT,
        portName: "mongodb",
        addresses: this.members.map((m) => m.privateIp),
      },
      this,
    );
    this.hosts = plans.map((p) => `${p.fqdn}:${MONGODB_PORT}`);
    // Drivers connect to the names in rs.conf(), so URLs list them rather than the Service.
    const urlOf = (user: string, password: pulumi.Output<string>, database: string) =>
      pulumi.secret(
        pulumi.interpolate`mongodb://${user}:${password}@${this.hosts.join(",")}/${database}?replicaSet=${cfg.replicaSetName}&tls=true&authSource=${database}`,
      );
    const app = credentials.passwords.app;
    createAppSecret(
      name,
      {
        namespace: args.appsNamespace,
        secret: MONGODB_SERVICES.secret,
        data: {
          url: urlOf(cfg.appUser, app, cfg.database),
          hosts: this.hosts.join(","),
          replicaSet: cfg.replicaSetName,
          database: cfg.database,
          username: cfg.appUser,
          password: app,
          "ca.crt": ca.cert.certPem,
        },
      },
      this,
    );
    this.serviceCredentials = Object.fromEntries(
      serviceUsers.map((u) => {
        const password = pulumi.secret(credentials.passwords[`${MONGO_SERVICE_PREFIX}${u}`]);
        return [u, { username: u, database: u, password, uri: urlOf(u, password, u) }];
      }),
    );
    this.replicaSetName = cfg.replicaSetName;
    this.caCertPem = ca.cert.certPem;
    this.registerOutputs({
      hosts: this.hosts,
      replicaSetName: this.replicaSetName,
      caCertPem: this.caCertPem,
    });
  }
}
