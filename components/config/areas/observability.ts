import { z } from "zod";
import { arn, hostname } from "../fields";

const secretText = z.string().min(1, { error: "expected a non-empty value (set it with --secret)" });

/** Where alerts go. Every URL and key is handled as a Pulumi secret by the component. */
const contactPointsSchema = z.strictObject({
  email: z
    .strictObject({
      addresses: z.array(z.email({ error: "expected an e-mail address" })).min(1),
      smtp: z.strictObject({
        /** host:port of the SMTP relay (STARTTLS). */
        host: z.string().regex(/^[a-z0-9.-]+:\d{1,5}$/, { error: "expected host:port of an SMTP relay" }),
        user: z.string().min(1),
        password: secretText,
        fromAddress: z.email({ error: "expected an e-mail address" }),
      }),
    })
    .optional(),
  /** Incoming-webhook URL; checked by Grafana (an offline plan only sees a stand-in). */
  slack: z.strictObject({ webhookUrl: secretText }).optional(),
  sns: z.strictObject({ topicArn: arn }).optional(),
});

export const monitoringSchema = z.strictObject({
  enabled: z.boolean().default(true),
  influxdb: z
    .strictObject({
      storageGiB: z.number().int().min(10).default(100),
      /** Retention of the default policy of every database (telegraf, apps). */
      retentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  grafana: z.strictObject({ host: hostname().optional() }).prefault({}),
  alerts: z
    .strictObject({
      /** A container restarting more often than this within 24 hours raises an alert. */
      restartsPerDay: z.number().int().min(1).default(3),
      /** MySQL replica lag (seconds behind the source) that raises an alert. */
      replicaLagSeconds: z.number().int().min(1).default(60),
      /** An agent whose metrics are older than this raises an alert. */
      agentStaleSeconds: z.number().int().min(30).default(60),
      /** A source silent for this long raises an alert. */
      noDataMinutes: z.number().int().min(5).default(10),
      contactPoints: contactPointsSchema.prefault({}),
    })
    .prefault({}),
});

export type MonitoringConfig = z.infer<typeof monitoringSchema>;
