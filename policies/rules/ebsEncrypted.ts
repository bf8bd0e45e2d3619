import type { ResourceValidationPolicy } from "@pulumi/policy";
import { EBS_VOLUME, INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE } from "../lib/ec2";
import { isTrue, record, records, text, type Props } from "../lib/values";

/** Each declared device of a host: `[label, encrypted]`; a missing root device counts as unencrypted. */
function devicesOf(type: string, props: Props): [string, boolean][] {
  if (type === LAUNCH_TEMPLATE) {
    const mappings = records(props.blockDeviceMappings).filter((m) => record(m.ebs));
    if (mappings.length === 0) return [["root device (no block device mapping declared)", false]];
    return mappings.map((m) => [`device ${text(m.deviceName) ?? "?"}`, isTrue(record(m.ebs)?.encrypted)]);
  }
  const root = record(props.rootBlockDevice);
  return [
    [root ? "root device" : "root device (rootBlockDevice not declared)", isTrue(root?.encrypted)],
    ...records(props.ebsBlockDevices).map((d): [string, boolean] => [
      `device ${text(d.deviceName) ?? "?"}`,
      isTrue(d.encrypted),
    ]),
  ];
}

/**
 * Data at rest on hosts (etcd's keyspace, database files, logs) is encrypted. Root devices must
 * be declared explicitly: otherwise the AMI's snapshot decides, which the preview cannot see.
 */
export const ebsEncrypted: ResourceValidationPolicy = {
  name: "ebs-encrypted",
  description: "EBS volumes and the root and data devices of instances and launch templates are encrypted.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === EBS_VOLUME) {
      if (!isTrue(args.props.encrypted)) report("EBS volume is not encrypted.");
      return;
    }
    if (![INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION].includes(args.type)) return;
    for (const [label, encrypted] of devicesOf(args.type, args.props)) {
      if (!encrypted) report(`${label} is not encrypted.`);
    }
  },
};
