/** Helpers for stack policies: how resources point at each other. */
import type { PolicyResource } from "@pulumi/policy";

/**
 * The resources a property's value came from, e.g. the subnets behind a NAT gateway's `subnetId`.
 * This is how the engine tells a stack policy which resource an ID refers to, even in a preview
 * where the ID itself is not known yet.
 */
export function referencedBy(resource: PolicyResource, property: string): PolicyResource[] {
  return resource.propertyDependencies[property] ?? [];
}

export function ofType(resources: PolicyResource[], ...types: string[]): PolicyResource[] {
  return resources.filter((r) => types.includes(r.type));
}
