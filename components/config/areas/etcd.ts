import { z } from "zod";
import { ETCD_RELEASES } from "../../etcd/releases";
import { cidr, instanceType } from "../fields";

const memberCount = (what: string) =>
  z.union([z.literal(3), z.literal(5)], {
    error: (i) =>
      `expected 3 or 5 ${what} (an odd quorum that survives one or two losses), got ${JSON.stringify(i.input)}`,
  });

export const etcdSchema = z
  .strictObject({
    members: memberCount("members").default(3),
    /**
     * Members that bootstrapped the cluster together. Members beyond these join an existing
     * cluster (`etcdctl member add` first, see docs/etcd.md); keeping this at the founding size
     * when growing 3 -> 5 leaves the existing members' configuration, and so the hosts, untouched.
     */
    initialMembers: memberCount("initial members").default(3),
    instanceType: instanceType.default("m7i.large"),
    /** etcd release installed on the hosts, checksum-verified at boot against ETCD_RELEASES. */
    version: z
      .string()
      .refine((v) => v in ETCD_RELEASES, {
        error: (i) =>
          `expected an etcd release with a pinned checksum (${Object.keys(ETCD_RELEASES).join(", ")}), got ${JSON.stringify(i.input)}`,
      })
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
        /** Daily EBS snapshots of every data volume (Data Lifecycle Manager), kept this many. */
        volumeSnapshotsKept: z.number().int().min(1).max(1000).default(14),
      })
      .prefault({}),
    /** Address ranges of deploy runners (CI running pulumi up) allowed to reach etcd's client port. */
    deployRunnerCidrs: z.array(cidr).default([]),
    /**
     * IAM roles of the deploy runners (this stack's and app teams'): the only principals besides
     * the deploying identity that may read the deploy runners' etcd certificate.
     */
    deployRunnerRoleArns: z
      .array(
        z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/, {
          error: "expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)",
        }),
      )
      .default([]),
  })
  .refine((e) => e.initialMembers <= e.members, {
    error: "expected initialMembers <= members (members are only ever added after the founding ones)",
    path: ["initialMembers"],
  });

export type EtcdConfig = z.infer<typeof etcdSchema>;
