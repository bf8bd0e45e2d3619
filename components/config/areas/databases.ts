import { z } from "zod";
import { instanceType } from "../fields";

const volume = z.strictObject({
  sizeGiB: z.number().int().min(20).max(16384).default(100),
  iops: z.number().int().min(3000).max(16000).default(3000),
  throughputMiBps: z.number().int().min(125).max(1000).default(250),
});

export const databasesSchema = z.strictObject({
  mysql: z
    .strictObject({
      enabled: z.boolean().default(true),
      version: z
        .string()
        .regex(/^8\.\d+$/, { error: "expected a MySQL 8.x version such as 8.4" })
        .default("8.4"),
      instanceType: instanceType.default("r7i.large"),
      /** Replicas besides the primary, each in its own AZ where possible. */
      replicas: z.number().int().min(0).max(5).default(1),
      volume: volume.prefault({}),
    })
    .prefault({}),
  mongodb: z
    .strictObject({
      enabled: z.boolean().default(true),
      version: z
        .string()
        .regex(/^\d+\.\d+$/, { error: "expected a MongoDB version such as 7.0" })
        .default("7.0"),
      instanceType: instanceType.default("r7i.large"),
      members: z
        .union([z.literal(3), z.literal(5)], { error: "expected 3 or 5 replica set members" })
        .default(3),
      volume: volume.prefault({}),
    })
    .prefault({}),
  snapshotRetentionDays: z.number().int().min(1).max(3650).default(14),
});

export type DatabasesConfig = z.infer<typeof databasesSchema>;
