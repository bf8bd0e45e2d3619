import { z } from "zod";
import { hostname } from "../fields";

export const loggingSchema = z.strictObject({
  enabled: z.boolean().default(true),
  kafka: z
    .strictObject({
      brokers: z.number().int().min(1).max(9).default(3),
      storageGiB: z.number().int().min(10).default(100),
      topic: z
        .string()
        .regex(/^[a-zA-Z0-9._-]{1,249}$/, { error: "expected a Kafka topic name" })
        .default("logs"),
      retentionHours: z.number().int().min(1).default(72),
    })
    .prefault({}),
  graylog: z
    .strictObject({
      replicas: z.number().int().min(1).default(2),
      storageGiB: z.number().int().min(10).default(200),
      host: hostname().optional(),
    })
    .prefault({}),
});

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true),
  influxdb: z
    .strictObject({
      storageGiB: z.number().int().min(10).default(100),
      retentionDays: z.number().int().min(1).default(30),
    })
    .prefault({}),
  grafana: z.strictObject({ host: hostname().optional() }).prefault({}),
  alerts: z
    .strictObject({
      /** A container restarting more often than this within an hour raises an alert. */
      restartsPerHour: z.number().int().min(1).default(3),
    })
    .prefault({}),
});

export type LoggingConfig = z.infer<typeof loggingSchema>;
export type MonitoringConfig = z.infer<typeof monitoringSchema>;
