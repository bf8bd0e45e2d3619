import { privateZone } from "../../common/privateZone";
import * as pulumi from "@pulumi/pulumi";
import { al2023Ami } from "../../common/ami";
import { instanceArch } from "../../common/architecture";
import type { HostAgent } from "../../common/host/cloudInit";
import { createCa, createLeafCert, createTlsSecret } from "../../common/pki";
import { createVolumeSnapshotPolicy, snapshotTag } from "../../common/volumeSnapshots";
import type { MongodbConfig } from "../../config/areas/databases";
import { createCredentials } from "../credentials";
import { createAppSecret, createDatabaseService, serviceDnsNames } from "../kubernetes";
import { DataMember } from "../member";
import { dataZoneName, planDataMembers } from "../placement";
import { mongoRelease } from "./releases";
import { MONGO_CREDENTIALS, MONGO_KEY_FILE, MONGO_SERVER_PEM, MONGODB_PORT } from "./render/layout";
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
  /** Where the members' Fluent Bit ships their journals (the logging component's host endpoint). */
  logs?: HostLogsTarget;
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
    const credentials = createCredentials(
      `${name}-credentials`,
      MONGO_CREDENTIALS,
      "MongoDB users: admin, app",
      this,
    );
    // The key file members authenticate each other with; 64 letters and digits are valid key characters.
    const key = createCredentials(`${name}-keyfile`, [MONGO_KEY_FILE], "MongoDB replica-set key file", this);
    const ca = createCa(name, this);
    createVolumeSnapshotPolicy(name, { days: args.snapshotRetentionDays }, this);

    const arch = instanceArch(cfg.instanceType);
    const amiId = cfg.ami ?? al2023Ami(arch, this);
    const release = mongoRelease(cfg.version, arch);
    const serviceNames = serviceDnsNames(MONGODB_SERVICES.service, args.appsNamespace);

    this.members = plans.map((plan) => {
      const leaf = createLeafCert(
        `${plan.name}-tls`,
        ca,
        {
          commonName: plan.fqdn,
          dnsNames: [plan.fqdn, "localhost", ...serviceNames],
          ipAddresses: ["127.0.0.1"],
        },
        this,
      );
      const tlsSecret = createTlsSecret(
        `${plan.name}-tls`,
        `MongoDB member ${plan.name}`,
        ca,
        leaf,
        this,
        MONGO_SERVER_PEM,
      );
      return new DataMember(
        plan.name,
        {
          plan,
          role: "mongodb",
          subnetId: args.subnets[plan.availabilityZone].id,
          securityGroupId: args.securityGroupId,
          zoneId: zone.zoneId,
          amiId,
          amiPinned: cfg.ami !== undefined,
          instanceType: cfg.instanceType,
          volume: cfg.volume,
          volumeTags: snapshotTag(name),
          protectData: args.protectData,
          statements: [
            {
              Effect: "Allow",
              Action: "secretsmanager:GetSecretValue",
              Resource: [tlsSecret.arn, key.secret.arn, credentials.secret.arn],
            },
            ...(args.logs ? [logsCredentialsStatement(args.logs)] : []),
          ],
          userData: (volumeId) =>
            pulumi
              .all([
                volumeId,
                tlsSecret.arn,
                key.secret.arn,
                credentials.secret.arn,
                resolveLogsTarget(args.logs),
              ])
              .apply(([volume, tlsArn, keyArn, credentialsArn, logs]) =>
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
                    ...(logs
                      ? [hostFluentBit({ role: "mongodb", units: MONGODB_LOG_UNITS, target: logs })]
                      : []),
                  ],
                }),
              ),
        },
        { parent: this },
      );
    });

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
    const app = credentials.passwords.app;
    createAppSecret(
      name,
      {
        namespace: args.appsNamespace,
        secret: MONGODB_SERVICES.secret,
        data: {
          // Drivers connect to the names in rs.conf(), so the URL lists them rather than the Service.
          url: pulumi.secret(
            pulumi.interpolate`mongodb://${cfg.appUser}:${app}@${this.hosts.join(",")}/${cfg.database}?replicaSet=${cfg.replicaSetName}&tls=true&authSource=${cfg.database}`,
          ),
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
    this.replicaSetName = cfg.replicaSetName;
    this.caCertPem = ca.cert.certPem;
    this.registerOutputs({
      hosts: this.hosts,
      replicaSetName: this.replicaSetName,
      caCertPem: this.caCertPem,
    });
  }
}
