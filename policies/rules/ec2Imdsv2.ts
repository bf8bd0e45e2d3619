import type { ResourceValidationPolicy } from "@pulumi/policy";
import { EKS_NODE_GROUP, INSTANCE, LAUNCH_CONFIGURATION, LAUNCH_TEMPLATE } from "../lib/ec2";
import { at, record } from "../lib/values";

/**
 * IMDSv1 answers any request from the host, so one SSRF in a pod or in HAProxy hands out the
 * instance role's credentials; IMDSv2's session token stops that.
 */
export const ec2Imdsv2: ResourceValidationPolicy = {
  name: "ec2-imdsv2-required",
  description:
    "EC2 instances, launch templates and launch configurations require IMDSv2 (httpTokens=required).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type === EKS_NODE_GROUP) {
      // Without a launch template EKS uses its own, which leaves IMDSv1 on.
      if (!record(args.props.launchTemplate))
        report("EKS node group has no launch template requiring IMDSv2.");
      return;
    }
    if (![INSTANCE, LAUNCH_TEMPLATE, LAUNCH_CONFIGURATION].includes(args.type)) return;
    const tokens = at(args.props, "metadataOptions", "httpTokens");
    const disabled = at(args.props, "metadataOptions", "httpEndpoint") === "disabled";
    if (tokens !== "required" && !disabled) {
      report(`metadataOptions.httpTokens is ${JSON.stringify(tokens ?? "unset")}; set it to "required".`);
    }
  },
};
