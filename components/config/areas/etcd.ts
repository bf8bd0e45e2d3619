import { z } from "zod";
import { cidr, instanceType } from "../fields";

export const etcdSchema = z.strictObject({
  members: z
    .union([z.literal(3), z.literal(5)], {
      error: (i) =>
        `expected 3 or 5 members (an odd quorum that survives one or two losses), got ${JSON.stringify(i.input)}`,
    })
    .default(3),
  instanceType: instanceType.default("m7i.large"),
  /** etcd release installed on the hosts, checksum-verified at boot. */
  version: z
    .string()
    .regex(/^3\.(5|6)\.\d+$/, { error: "expected an etcd 3.5+ version such as 3.5.21" })
    .default("3.5.21"),
  dataVolume: z
    .strictObject({
      sizeGiB: z.number().int().min(8).max(1024).default(20),
      iops: z.number().int().min(3000).max(16000).default(3000),
      throughputMiBps: z.number().int().min(125).max(1000).default(125),
    })
    .prefault({}),
  backup: z
    .strictObject({
      /** How often each member runs `etcdctl snapshot save` (systemd OnCalendar syntax). */
      schedule: z
        .string()
        .regex(/^[A-Za-z0-9*:/ ,.-]+$/, { error: "expected a systemd OnCalendar expression" })
        .default("hourly"),
      retentionDays: z.number().int().min(1).max(3650).default(30),
    })
    .prefault({}),
  /** Address ranges of deploy runners (CI running pulumi up) allowed to reach etcd's client port. */
  deployRunnerCidrs: z.array(cidr).default([]),
});

export type EtcdConfig = z.infer<typeof etcdSchema>;
