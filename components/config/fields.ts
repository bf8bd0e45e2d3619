/** Reusable zod field types with messages that say what was expected. */
import { z } from "zod";
import { instanceTypeProblem } from "./instanceTypes";
import { COLOURS, isDnsLabel, isHttpPath, isValidHostname } from "../../model/validators";
import { parseCidr, isPrivateCidr } from "../../model/cidr";

export const hostname = () =>
  z.string().refine((v) => isValidHostname(v), {
    error: (issue) => `expected a lower-case DNS name (no wildcards), got ${JSON.stringify(issue.input)}`,
  });

/** A certificate name: a DNS name or a wildcard over one (`*.example.com`). */
export const tlsName = z.string().refine((v) => isValidHostname(v.startsWith("*.") ? v.slice(2) : v), {
  error: (issue) =>
    `expected a lower-case DNS name or a wildcard such as *.example.com, got ${JSON.stringify(issue.input)}`,
});

/** A Route 53 hosted zone id, e.g. Z0123456789ABCDEFGHIJ. */
export const hostedZoneId = z.string().regex(/^Z[A-Z0-9]{1,31}$/, {
  error: (issue) =>
    `expected a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got ${JSON.stringify(issue.input)}`,
});

export const colour = z.enum(COLOURS, {
  error: (issue) => `expected "blue" or "green", got ${JSON.stringify(issue.input)}`,
});

export const dnsLabel = z.string().refine(isDnsLabel, {
  error: (issue) =>
    `expected a DNS-1123 label (a-z, 0-9, inner '-', max 63), got ${JSON.stringify(issue.input)}`,
});

/**
 * A map keyed by names that become Kubernetes and AWS resource names. Names are checked beside
 * the values (not as zod record keys, which would skip validating the value of a bad name).
 */
export const namedRecord = <T extends z.ZodType>(what: string, value: T) =>
  z.record(z.string(), value).superRefine(
    (record, ctx) => {
      if (!record || typeof record !== "object") return;
      for (const name of Object.keys(record))
        if (!isDnsLabel(name))
          ctx.addIssue({
            code: "custom",
            path: [name],
            message: `expected ${what} name to be a DNS-1123 label (lower-case a-z, 0-9 and inner '-', at most 63 characters, e.g. "shop" or "web-api"), got ${JSON.stringify(name)}`,
          });
    },
    // Run even when a value failed, so a bad name and its value's problems show in one run.
    { when: () => true },
  );

export const httpPath = z.string().refine(isHttpPath, {
  error: (issue) =>
    `expected an absolute URL path without spaces or quotes, got ${JSON.stringify(issue.input)}`,
});

/** Any IPv4 CIDR, e.g. a deploy runner's address range (may be public). */
export const cidr = z.string().refine((v) => parseCidr(v) !== undefined, {
  error: (issue) => `expected an IPv4 CIDR such as 10.0.0.0/16, got ${JSON.stringify(issue.input)}`,
});

/** An RFC 1918 CIDR: the VPC and anything inside it. */
/** An EC2 id with its prefix, e.g. `vpc-0a1b2c3d`. */
export const awsId = (prefix: string) =>
  z.string().regex(new RegExp(`^${prefix}-[0-9a-f]{8,17}$`), {
    error: (i) => `expected an id like ${prefix}-0123abcd, got ${JSON.stringify(i.input)}`,
  });

export const privateCidr = cidr.refine((v) => isPrivateCidr(v), {
  error: (issue) => `expected a private (RFC 1918) range, got ${JSON.stringify(issue.input)}`,
});

const INSTANCE_TYPE_SHAPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;

export const instanceType = z
  .string()
  .regex(INSTANCE_TYPE_SHAPE, {
    error: (issue) => `expected an EC2 instance type such as m7i.large, got ${JSON.stringify(issue.input)}`,
    // A malformed name gets this message alone, not the family check below as well.
    abort: true,
  })
  // A name that is not an EC2 type fails here, with its key, rather than as an unpriced line
  // (one problem per value: a malformed name is reported by the shape check alone).
  .superRefine((v, ctx) => {
    const problem = INSTANCE_TYPE_SHAPE.test(v) ? instanceTypeProblem(v) : undefined;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });

/** Kubernetes quantities as used for requests and limits. */
export const cpuQuantity = z.string().regex(/^(\d+m|\d+(\.\d+)?)$/, {
  error: (issue) => `expected a CPU quantity such as 250m or 1, got ${JSON.stringify(issue.input)}`,
});
export const memoryQuantity = z.string().regex(/^\d+(Ki|Mi|Gi|Ti|k|M|G|T)?$/, {
  error: (issue) => `expected a memory quantity such as 256Mi or 1Gi, got ${JSON.stringify(issue.input)}`,
});

export const resources = z.strictObject({
  requests: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
  limits: z.strictObject({ cpu: cpuQuantity, memory: memoryQuantity }),
});

export const arn = z.string().regex(/^arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:\d{0,12}:.+$/, {
  error: (issue) => `expected an AWS ARN, got ${JSON.stringify(issue.input)}`,
});

export const retentionDays = z
  .number()
  .int()
  .refine(
    (v) => [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653].includes(v),
    {
      error: (issue) =>
        `expected a CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 180, 365, ...), got ${issue.input}`,
    },
  );
