import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { LAUNCH_TEMPLATE } from "../lib/ec2";
import { REQUIRED_TAGS, ownTags } from "../lib/tags";
import { records, text } from "../lib/values";

const settings = configurable(
  { tags: REQUIRED_TAGS, resourceTypes: ["instance", "volume"] },
  {
    tags: "Tag keys the instances and volumes a launch template starts must carry.",
    resourceTypes: "Launched resource types whose tag specifications are checked.",
  },
);

/**
 * Instances and volumes that auto-scaling groups and EKS node groups launch are tagged only by
 * the launch template's tag specifications: provider default tags never reach them, so without
 * this they are the unattributed bulk of the bill. Advisory until every fleet complies.
 */
export const launchedResourcesTagged: ResourceValidationPolicy = {
  name: "launched-resources-tagged",
  description: "Launch templates tag the instances and volumes they start with the required tags.",
  enforcementLevel: "advisory",
  configSchema: settings.configSchema,
  validateResource: (args, report) => {
    if (args.type !== LAUNCH_TEMPLATE) return;
    const { tags, resourceTypes } = settings.read(args);
    const specs = records(args.props.tagSpecifications);
    for (const resourceType of resourceTypes) {
      const own = specs.filter((s) => text(s.resourceType) === resourceType).map((s) => ownTags(s));
      const missing = tags.filter((key) => !own.some((t) => t[key]));
      if (missing.length > 0) report(`Launched ${resourceType}s lack tag(s) ${missing.join(", ")}.`);
    }
  },
};
