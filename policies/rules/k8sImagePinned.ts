import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { validateWorkloads } from "../lib/kubernetes";
import { text } from "../lib/values";

const settings = configurable(
  { mutableTags: ["latest"] },
  { mutableTags: "Tags that move between builds and so do not pin an image." },
);

/** `registry:5000/team/app:1.2@sha256:…` → its tag and digest, either possibly absent. */
export function parseImage(image: string): { tag?: string; digest?: string } {
  const [name, digest] = image.split("@", 2);
  const lastSegment = name.slice(name.lastIndexOf("/") + 1);
  const colon = lastSegment.lastIndexOf(":");
  return { tag: colon >= 0 ? lastSegment.slice(colon + 1) : undefined, digest };
}

/**
 * Blue and green must run exactly the builds that were tested: an untagged or `latest` image
 * changes under a running colour whenever a node pulls again.
 */
export const k8sImagePinned: ResourceValidationPolicy = {
  name: "k8s-image-pinned",
  description: "Container images are pinned to a version tag or digest (no `latest`, no untagged).",
  enforcementLevel: "mandatory",
  configSchema: settings.configSchema,
  validateResource: validateWorkloads((workload, args, report) => {
    const { mutableTags } = settings.read(args);
    for (const container of workload.containers) {
      const image = text(container.spec.image);
      if (!image) {
        report(`${container.label} names no image.`);
        continue;
      }
      const { tag, digest } = parseImage(image);
      if (digest) continue;
      if (!tag) report(`${container.label} uses untagged image "${image}".`);
      else if (mutableTags.includes(tag)) report(`${container.label} uses mutable tag "${image}".`);
    }
  }),
};
