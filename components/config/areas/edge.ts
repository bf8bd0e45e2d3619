import { z } from "zod";
import { arn, colour, instanceType } from "../fields";

const fleetSize = z.strictObject({
  minSize: z.number().int().min(1).default(2),
  maxSize: z.number().int().min(1).default(6),
  desiredCapacity: z.number().int().min(1).default(3),
});

export const edgeSchema = z
  .strictObject({
    /** The HAProxy fleet the ELB listener forwards to. */
    liveFleet: colour.default("blue"),
    instanceType: instanceType.default("c7i.large"),
    live: fleetSize.prefault({}),
    /** Instances kept in the fleet that is not live; 0 costs nothing until a swap. */
    idleFleetSize: z.number().int().min(0).default(0),
    /** ACM certificate for TLS on 443; without it the ELB only listens on 80. */
    certificateArn: arn.optional(),
    accessLogs: z.strictObject({ retentionDays: z.number().int().min(1).max(3650).default(90) }).prefault({}),
    haproxyMaxConn: z.number().int().min(1000).max(1_000_000).default(50_000),
    /**
     * How long `pulumi up` waits, when liveFleet changes, for the new fleet's target group to
     * report live.minSize healthy targets before it refuses the swap and leaves the listener alone.
     */
    swapTimeoutSeconds: z.number().int().min(30).max(3600).default(600),
  })
  .refine((e) => e.live.minSize <= e.live.desiredCapacity && e.live.desiredCapacity <= e.live.maxSize, {
    error: "expected live.minSize <= live.desiredCapacity <= live.maxSize",
    path: ["live"],
  });

export type EdgeConfig = z.infer<typeof edgeSchema>;
