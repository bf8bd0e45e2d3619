/**
 * Turns planned resources into the argument objects the CrossGuard engine hands to policies, so
 * the offline plan runs the pack's own validation functions unchanged.
 */
import type {
  PolicyProviderResource,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidationArgs,
} from "@pulumi/policy";
import type { PlannedResource } from "./evaluate";

/** Options as the engine reports them, plus `retainOnDelete`, which the plan records and the engine does not. */
export type PlannedOptions = PolicyResourceOptions & { retainOnDelete: boolean };

/** Thrown by `notApplicable()`, as in the engine: the policy does not apply to this resource. */
export class NotApplicable extends Error {}

type ResourceClass = { new (...rest: never[]): unknown };

/** What `isType`/`asType` compare: the type token Pulumi resource classes carry. */
function typeMatches(type: string, resourceClass: ResourceClass): boolean {
  return (resourceClass as unknown as { __pulumiType?: string }).__pulumiType === type;
}

function optionsOf(r: PlannedResource): PlannedOptions {
  return {
    protect: r.options.protect,
    retainOnDelete: r.options.retainOnDelete,
    ignoreChanges: r.options.ignoreChanges,
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    parent: r.parent,
  };
}

/** The plan records a provider reference as `<provider urn>::<provider id>`. */
function providerOf(
  r: PlannedResource,
  byUrn: Map<string, PlannedResource>,
): PolicyProviderResource | undefined {
  const ref = r.provider;
  const provider = ref ? byUrn.get(ref.slice(0, ref.lastIndexOf("::"))) : undefined;
  return provider && { type: provider.type, props: provider.inputs, urn: provider.urn, name: provider.name };
}

function stringsIn(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (value && typeof value === "object") return Object.values(value).flatMap(stringsIn);
  return [];
}

/**
 * Whether `value` (a resolved input) is the ID or ARN of `dependency`. The mock runtime
 * (scripts/lib/mocks.ts) gives every resource the ID `<name>-id` and an ARN ending `/<name>`.
 */
function refersTo(value: string, dependency: PlannedResource): boolean {
  return (
    value === `${dependency.name}-id` || (value.startsWith("arn:") && value.endsWith(`/${dependency.name}`))
  );
}

/**
 * The engine tells a policy, per property, which resources its value came from. The plan keeps
 * only the union of dependencies, so recover the per-property map by finding which of them each
 * property's value names.
 */
function propertyDependenciesOf(
  r: PlannedResource,
  byUrn: Map<string, PlannedResource>,
): Record<string, string[]> {
  const dependencies = r.options.dependsOn.flatMap((urn) => byUrn.get(urn) ?? []);
  const result: Record<string, string[]> = {};
  for (const [property, value] of Object.entries(r.inputs)) {
    const values = stringsIn(value);
    const urns = dependencies.filter((d) => values.some((v) => refersTo(v, d))).map((d) => d.urn);
    if (urns.length > 0) result[property] = urns;
  }
  return result;
}

interface Common {
  getConfig<T extends object>(): T;
  stackTags: ReadonlyMap<string, string>;
}

export const notApplicable = (reason?: string): never => {
  throw new NotApplicable(reason);
};

export function resourceArgs(
  r: PlannedResource,
  byUrn: Map<string, PlannedResource>,
  common: Common,
): ResourceValidationArgs {
  return {
    type: r.type,
    props: r.inputs,
    urn: r.urn,
    name: r.name,
    opts: optionsOf(r),
    provider: providerOf(r, byUrn),
    ...common,
    isType: (cls) => typeMatches(r.type, cls),
    asType: ((cls: ResourceClass) =>
      typeMatches(r.type, cls) ? r.inputs : undefined) as ResourceValidationArgs["asType"],
    notApplicable,
  };
}

export function indexByUrn(resources: PlannedResource[]): Map<string, PlannedResource> {
  return new Map(resources.map((r) => [r.urn, r]));
}

/** Every planned resource as a stack policy sees it, linked to its parent and dependencies. */
export function policyResources(resources: PlannedResource[]): PolicyResource[] {
  const byUrn = indexByUrn(resources);
  const linked = new Map<string, PolicyResource>();
  for (const r of resources) {
    linked.set(r.urn, {
      type: r.type,
      props: r.inputs,
      urn: r.urn,
      name: r.name,
      opts: optionsOf(r),
      provider: providerOf(r, byUrn),
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => typeMatches(r.type, cls),
      asType: ((cls: ResourceClass) =>
        typeMatches(r.type, cls) ? r.inputs : undefined) as PolicyResource["asType"],
    });
  }
  const lookup = (urns: string[]) => urns.flatMap((urn) => linked.get(urn) ?? []);
  for (const r of resources) {
    const policyResource = linked.get(r.urn)!;
    policyResource.parent = r.parent ? linked.get(r.parent) : undefined;
    policyResource.dependencies = lookup(r.options.dependsOn);
    policyResource.propertyDependencies = Object.fromEntries(
      Object.entries(propertyDependenciesOf(r, byUrn)).map(([property, urns]) => [property, lookup(urns)]),
    );
  }
  return [...linked.values()];
}
