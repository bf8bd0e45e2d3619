/**
 * `switchyard:logging.graylog`: Graylog, its OpenSearch backend and what the configurator keeps
 * in Graylog (components/logging/graylog, docs/logging.md). Its own file so the logging area's
 * write path (Kafka, Fluent Bit, hosts) and its read side change apart.
 */
import { z } from "zod";
import { hostname, resources } from "../fields";

export const graylogSchema = z.strictObject({
  /** Graylog server nodes; node 0 is the leader (periodical jobs). */
  replicas: z.number().int().min(1).max(9).default(2),
  /** gp3 volume per OpenSearch node (the indices). */
  storageGiB: z.number().int().min(10).default(200),
  /** Host the HAProxy tier serves Graylog's web interface under; none: port-forward only. */
  host: hostname().optional(),
  /** Days messages stay searchable (the index set's minimum lifetime). */
  retentionDays: z.number().int().min(1).max(3650).default(30),
  /** gp3 volume per Graylog node for its message journal (a buffer while OpenSearch is slow). */
  journalGiB: z.number().int().min(5).max(1024).default(20),
  /** OpenSearch nodes, spread over the zones; 2 or more keep a replica of every shard. */
  searchNodes: z.number().int().min(1).max(9).default(3),
  /** Graylog containers; the JVM heap is half the memory limit. */
  resources: resources.prefault({
    requests: { cpu: "500m", memory: "2Gi" },
    limits: { cpu: "2", memory: "2Gi" },
  }),
  /** OpenSearch containers; the JVM heap is half the memory limit (the rest is file cache). */
  searchResources: resources.prefault({
    requests: { cpu: "500m", memory: "4Gi" },
    limits: { cpu: "2", memory: "4Gi" },
  }),
});

export type GraylogConfig = z.infer<typeof graylogSchema>;
