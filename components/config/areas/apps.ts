import { z } from "zod";
import { colour, hostname, httpPath, namedRecord, resources } from "../fields";
import { defaultPreviewHost } from "../../../model/validators";

const colourSpec = z.strictObject({
  /** A pinned image: a tag other than latest, or a digest. */
  image: z
    .string()
    .regex(/^[a-z0-9./_:-]+(:[A-Za-z0-9._-]+|@sha256:[a-f0-9]{64})$/, {
      error: (i) => `expected an image with a tag or digest, got ${JSON.stringify(i.input)}`,
    })
    .refine((v) => !/:latest$/.test(v), { error: "expected a pinned image tag, not :latest" }),
  replicas: z.number().int().min(1).default(2),
});

export const appSchema = z
  .strictObject({
    host: hostname(),
    /** Extra names served like `host` (exact names: routes have no wildcards). */
    aliases: z.array(hostname()).default([]),
    /** Host that reaches the idle colour before promotion; default preview.<host>. */
    previewHost: hostname().optional(),
    /**
     * Container port HAProxy reaches the pods on. Unprivileged only: pods run as non-root, and the
     * HAProxy hosts' egress to the nodes covers 1024-65535.
     */
    port: z
      .number()
      .int()
      .min(1024, { error: (i) => `expected an unprivileged port 1024-65535, got ${JSON.stringify(i.input)}` })
      .max(65535, {
        error: (i) => `expected an unprivileged port 1024-65535, got ${JSON.stringify(i.input)}`,
      })
      .default(8080),
    healthCheckPath: httpPath.default("/healthz"),
    live: colour,
    blue: colourSpec,
    green: colourSpec,
    resources,
    minHealthy: z.number().int().min(1).default(1),
    /** Seconds the old colour stays at full size after a flip (instant rollback window). */
    scaleDownDelaySeconds: z.number().int().min(0).default(1800),
    idleReplicas: z.number().int().min(0).default(0),
    autoscaling: z
      .strictObject({
        minReplicas: z.number().int().min(1),
        maxReplicas: z.number().int().min(1),
        targetCpuPercent: z.number().int().min(10).max(100).default(70),
      })
      .optional(),
  })
  .refine((a) => a.minHealthy <= a[a.live].replicas, {
    error: "expected minHealthy <= replicas of the live colour",
    path: ["minHealthy"],
  });

export const appsSchema = namedRecord("an app", appSchema).default({});

export type AppConfig = z.infer<typeof appSchema>;

/** Every name an app answers on: its host, the preview host and its aliases. */
export function appHostNames(app: AppConfig): string[] {
  return [app.host, app.previewHost ?? defaultPreviewHost(app.host), ...app.aliases];
}
