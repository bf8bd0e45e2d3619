import { z } from "zod";
import { arn, colour, hostedZoneId, instanceType, tlsName } from "../fields";

const fleetSize = z.strictObject({
  minSize: z.number().int().min(1).default(2),
  maxSize: z.number().int().min(1).default(6),
  desiredCapacity: z.number().int().min(1).default(3),
});

/** TLS 1.3-capable ELB policies only (TLS 1.2 minimum, forward-secret ciphers). */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

const tls = z
  .strictObject({
    /** An existing ACM certificate in the stack's region. */
    certificateArn: arn
      .refine((v) => /^arn:aws[a-z-]*:acm:/.test(v), {
        error: "expected an ACM certificate ARN (arn:aws:acm:...)",
      })
      .optional(),
    /** Or: the stack requests one from ACM and validates it with DNS records in this zone. */
    certificate: z
      .strictObject({
        domainName: tlsName,
        subjectAlternativeNames: z.array(tlsName).default([]),
        hostedZoneId,
      })
      .optional(),
    sslPolicy: z
      .string()
      .regex(/^ELBSecurityPolicy-TLS13-/, {
        error: (i) =>
          `expected a TLS 1.3 ELB security policy such as ${DEFAULT_SSL_POLICY}, got ${JSON.stringify(i.input)}`,
      })
      .default(DEFAULT_SSL_POLICY),
    /**
     * Port 80: `redirect` (HAProxy answers 301 to https; an NLB cannot redirect) or `refuse`
     * (no listener, port closed).
     */
    http: z.enum(["redirect", "refuse"], { error: 'expected "redirect" or "refuse"' }).default("redirect"),
  })
  .refine((t) => (t.certificateArn === undefined) !== (t.certificate === undefined), {
    error: "expected exactly one of certificateArn (an existing certificate) or certificate (request one)",
  });

export type EdgeTlsConfig = z.infer<typeof tls>;

export const edgeSchema = z
  .strictObject({
    /** The HAProxy fleet the ELB listener forwards to. */
    liveFleet: colour.default("blue"),
    instanceType: instanceType.default("c7i.large"),
    live: fleetSize.prefault({}),
    /** Instances kept in the fleet that is not live; 0 costs nothing until a swap. */
    idleFleetSize: z.number().int().min(0).default(0),
    /** TLS on 443 at the NLB; without it the NLB only serves plain HTTP on 80 (refused in production by policy). */
    tls: tls.optional(),
    /** Public Route 53 zone in which each app host of this stack gets an alias record to the NLB. */
    dns: z.strictObject({ hostedZoneId }).optional(),
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
