import { z } from "zod";
import { dnsLabel, instanceType } from "../fields";

/** SQL and MongoDB identifiers we create: a safe subset that needs no quoting anywhere. */
const identifier = z.string().regex(/^[a-z][a-z0-9_]{0,31}$/, {
  error: (issue) =>
    `expected a lower-case identifier (a-z, 0-9, _; starts with a letter; max 32), got ${JSON.stringify(issue.input)}`,
});

/** Reports `message` at `field` of the value being refined. */
function problemAt(ctx: z.RefinementCtx, field: string, message: string): void {
  // Stryker disable next-line StringLiteral: the code of a custom issue is read by nobody (parseConfig reports path and message)
  ctx.addIssue({ code: "custom", path: [field], message });
}

const volume = z
  .strictObject({
    /** gp3 (baseline 3000 IOPS / 125 MiB/s, both provisionable) or io2 (IOPS only). */
    type: z.enum(["gp3", "io2"], { error: "expected gp3 or io2" }).default("gp3"),
    sizeGiB: z.number().int().min(20).max(16384).default(100),
    iops: z.number().int().min(3000).max(64000).default(3000),
    throughputMiBps: z.number().int().min(125).max(1000).default(250),
  })
  .superRefine((v, ctx) => {
    // EBS limits: gp3 up to 16000 IOPS and 500 IOPS per GiB; io2 up to 64000 and 1000 per GiB.
    const maxIops = v.type === "gp3" ? Math.min(16000, 500 * v.sizeGiB) : Math.min(64000, 1000 * v.sizeGiB);
    if (v.iops > maxIops)
      problemAt(ctx, "iops", `${v.type} of ${v.sizeGiB} GiB allows at most ${maxIops} IOPS, got ${v.iops}`);
    // gp3 throughput is capped at 0.25 MiB/s per provisioned IOPS.
    if (v.type === "gp3" && v.throughputMiBps > v.iops / 4)
      problemAt(
        ctx,
        "throughputMiBps",
        `gp3 with ${v.iops} IOPS allows at most ${v.iops / 4} MiB/s, got ${v.throughputMiBps}`,
      );
  });

/** An AMI to pin the hosts to; changing it replaces them one by one (docs/databases.md, "Upgrades"). */
const ami = z
  .string()
  .regex(/^ami-[0-9a-f]{8,17}$/, {
    error: (issue) => `expected an AMI id such as ami-0abc12345def67890, got ${JSON.stringify(issue.input)}`,
  })
  .optional();

/** Series each engine can install (pinned packages per series in components/data/*\/releases.ts). */
export const MYSQL_ENGINE_VERSIONS = { mysql: ["8.4"], mariadb: ["11.8"] } as const;
export const MONGODB_VERSIONS = ["7.0", "8.0"] as const;

const mysql = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** mysql (Oracle MySQL 8.4 LTS) or mariadb (MariaDB LTS, its own GTID replication). */
    engine: z.enum(["mysql", "mariadb"], { error: "expected mysql or mariadb" }).default("mysql"),
    /** Release series; the default follows the engine (8.4 for mysql, 11.8 for mariadb). */
    version: z.string().optional(),
    instanceType: instanceType.default("r7i.large"),
    ami,
    /** Replicas besides the primary, each in its own AZ where possible. */
    replicas: z.number().int().min(0).max(5).default(1),
    /** Member that is the primary (mysql-0 at creation; change it only after promoting, docs/databases.md). */
    primary: z
      .string()
      .regex(/^mysql-[0-9]$/, { error: "expected a member name such as mysql-0" })
      .default("mysql-0"),
    /** Schema created for the apps, and the user that owns it. */
    database: identifier.default("app"),
    appUser: identifier.default("app"),
    volume: volume.prefault({}),
  })
  .transform((m) => ({ ...m, version: m.version ?? MYSQL_ENGINE_VERSIONS[m.engine][0] }))
  .superRefine((m, ctx) => {
    const allowed: readonly string[] = MYSQL_ENGINE_VERSIONS[m.engine];
    if (!allowed.includes(m.version))
      problemAt(
        ctx,
        "version",
        `${m.engine} supports ${allowed.join(", ")}, got ${JSON.stringify(m.version)}`,
      );
    const index = Number(m.primary.slice("mysql-".length));
    if (index > m.replicas)
      problemAt(
        ctx,
        "primary",
        `${m.primary} does not exist with ${m.replicas} replica(s) (members mysql-0..mysql-${m.replicas})`,
      );
  });

const mongodb = z.strictObject({
  enabled: z.boolean().default(true),
  version: z
    .enum(MONGODB_VERSIONS, { error: `expected a MongoDB version: ${MONGODB_VERSIONS.join(", ")}` })
    .default("7.0"),
  instanceType: instanceType.default("r7i.large"),
  ami,
  members: z.union([z.literal(3), z.literal(5)], { error: "expected 3 or 5 replica set members" }).default(3),
  replicaSetName: dnsLabel.default("rs0"),
  database: identifier.default("app"),
  appUser: identifier.default("app"),
  volume: volume.prefault({}),
});

export const databasesSchema = z.strictObject({
  mysql: mysql.prefault({}),
  mongodb: mongodb.prefault({}),
  snapshotRetentionDays: z.number().int().min(1).max(3650).default(14),
});

export type DatabasesConfig = z.infer<typeof databasesSchema>;
export type MysqlConfig = DatabasesConfig["mysql"];
export type MongodbConfig = DatabasesConfig["mongodb"];
