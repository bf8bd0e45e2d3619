import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { EBS_VOLUME, EKS_CLUSTER, EKS_NODE_GROUP, INSTANCE, LAUNCH_TEMPLATE } from "../lib/ec2";
import { REQUIRED_TAGS, effectiveTags, ownTags } from "../lib/tags";

const AUTOSCALING_GROUP = "aws:autoscaling/group:Group";
/**
 * Taggable types checked even when they declare no `tags` of their own (whose absence is exactly
 * what the rule is for). Other AWS resources are checked when they have a `tags` property.
 */
const ALWAYS_TAGGED = [
  INSTANCE,
  LAUNCH_TEMPLATE,
  EBS_VOLUME,
  EKS_CLUSTER,
  EKS_NODE_GROUP,
  AUTOSCALING_GROUP,
  "aws:ec2/vpc:Vpc",
  "aws:ec2/subnet:Subnet",
  "aws:ec2/securityGroup:SecurityGroup",
  "aws:lb/loadBalancer:LoadBalancer",
  "aws:elb/loadBalancer:LoadBalancer",
  "aws:s3/bucket:Bucket",
  "aws:kms/key:Key",
];

const settings = configurable(
  { tags: REQUIRED_TAGS },
  { tags: "Tag keys every taggable AWS resource carries." },
);

/**
 * Cost allocation and ownership: every AWS resource says which project and stack it belongs to
 * and that Pulumi manages it. Provider default tags count, except on auto-scaling groups, which
 * AWS providers never default-tag: their own tags must carry the keys (and propagate at launch).
 */
export const requiredTags: ResourceValidationPolicy = {
  name: "required-tags",
  description:
    "Taggable AWS resources carry the Project, Stack and ManagedBy tags (own or provider default tags).",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateResource: (args, report) => {
    if (!args.type.startsWith("aws:")) return;
    if (!ALWAYS_TAGGED.includes(args.type) && !("tags" in args.props)) return;
    const tags =
      args.type === AUTOSCALING_GROUP ? ownTags(args.props) : effectiveTags(args.props, args.provider);
    const missing = settings.read(args).tags.filter((key) => !tags[key]);
    if (missing.length > 0) report(`Missing tag(s) ${missing.join(", ")}.`);
  },
};
