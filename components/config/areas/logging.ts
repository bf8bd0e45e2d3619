/**
 * `switchyard:logging`: containers and hosts → Fluent Bit → Kafka (Strimzi) → Graylog.
 * The kafka, fluentBit and hosts parts are the write path (components/logging/{kafka,fluentbit});
 * graylog is the read side (components/logging/graylog).
 */
import { z } from "zod";
import { cpuQuantity, memoryQuantity, resources } from "../fields";
import { graylogSchema } from "./graylog";

/** Requests and limits with defaults, for the pods this area sizes. */
const sized = (requests: { cpu: string; memory: string }, limits: { cpu: string; memory: string }) =>
  resources.prefault({ requests, limits });

/** The logs topic's effective replication: the configured values or their defaults. */
export function topicReplication(k: {
  brokers: number;
  replicationFactor?: number;
  minInsyncReplicas?: number;
}): { replicationFactor: number; minInsyncReplicas: number } {
  const replicationFactor = k.replicationFactor ?? Math.min(3, k.brokers);
  return { replicationFactor, minInsyncReplicas: k.minInsyncReplicas ?? Math.max(1, replicationFactor - 1) };
}

export const loggingSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    kafka: z
      .strictObject({
        /** Broker nodes (KafkaNodePool `brokers`), spread over the zones. */
        brokers: z.number().int().min(1).max(9).default(3),
        /** KRaft controller quorum (KafkaNodePool `controllers`): odd, so it survives losses. */
        controllers: z
          .union([z.literal(1), z.literal(3), z.literal(5)], {
            error: (issue) =>
              `expected 1, 3 or 5 controllers (an odd quorum), got ${JSON.stringify(issue.input)}`,
          })
          .default(3),
        /** gp3 volume per broker. */
        storageGiB: z.number().int().min(10).default(100),
        /** gp3 volume per controller (metadata log only). */
        controllerStorageGiB: z.number().int().min(5).default(20),
        topic: z
          .string()
          .regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "expected a Kafka topic name" })
          .default("logs"),
        partitions: z.number().int().min(1).max(1000).default(6),
        /** Copies of each partition; default min(3, brokers). Production needs 3 or more. */
        replicationFactor: z.number().int().min(1).max(9).optional(),
        /** Copies a write must reach; default replicationFactor - 1 (at least 1). Production needs 2 or more. */
        minInsyncReplicas: z.number().int().min(1).max(9).optional(),
        retentionHours: z.number().int().min(1).default(72),
        /** Cap per partition on top of the time retention; none: time only. */
        retentionGiBPerPartition: z.number().int().min(1).optional(),
        brokerResources: sized({ cpu: "500m", memory: "4Gi" }, { cpu: "2", memory: "4Gi" }),
        controllerResources: sized({ cpu: "250m", memory: "1Gi" }, { cpu: "1", memory: "1Gi" }),
      })
      .prefault({}),
    fluentBit: z
      .strictObject({
        resources: sized({ cpu: "100m", memory: "128Mi" }, { cpu: "500m", memory: "512Mi" }),
        /** Filesystem buffer per node: what a Kafka outage may queue before the oldest chunks go. */
        bufferMiB: z.number().int().min(64).default(2048),
        /** Memory the tail input may hold before it pauses and spills to the filesystem buffer. */
        memBufLimitMiB: z.number().int().min(4).default(32),
      })
      .prefault({}),
    hosts: z
      .strictObject({
        /** Fluent Bit on the EC2 hosts (HAProxy, etcd, databases), shipping their journals. */
        enabled: z.boolean().default(true),
        /** Filesystem buffer per host. */
        bufferMiB: z.number().int().min(64).default(512),
        cpuQuota: cpuQuantity.default("200m"),
        memoryMax: memoryQuantity.default("256Mi"),
      })
      .prefault({}),
    // The read side's keys live in their own file (areas/graylog.ts).
    graylog: graylogSchema.prefault({}),
  })
  .superRefine((l, ctx) => {
    const k = l.kafka;
    if (k.replicationFactor !== undefined && k.replicationFactor > k.brokers)
      ctx.addIssue({
        code: "custom",
        path: ["kafka", "replicationFactor"],
        message: `expected at most kafka.brokers (${k.brokers}) copies, got ${k.replicationFactor}`,
      });
    const { replicationFactor: rf } = topicReplication(k);
    if (k.minInsyncReplicas !== undefined && k.minInsyncReplicas > rf)
      ctx.addIssue({
        code: "custom",
        path: ["kafka", "minInsyncReplicas"],
        message: `expected at most the replication factor (${rf}), got ${k.minInsyncReplicas}`,
      });
  });

export type LoggingConfig = z.infer<typeof loggingSchema>;
