/**
 * Hand-built resources for policy tests, turned into the engine's argument objects by the same
 * adapter the offline plan uses, then checked by calling the policy's own validation function.
 */
import type { ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import type { PlannedResource } from "../../../scripts/lib/evaluate";
import { planned, STACK_URN } from "../../helpers/planned";
import { indexByUrn, policyResources, resourceArgs } from "../../../scripts/lib/policyArgs";
import { validationsOf } from "../../../scripts/lib/policies";
import { runPlan, type Plan } from "../../helpers/plan";

export { planned, STACK_URN };

/** An AWS provider whose default tags are these (as the engine passes them: JSON text). */
export function awsProvider(tags: Record<string, string>): PlannedResource {
  return planned("pulumi:providers:aws", "aws", { defaultTags: JSON.stringify({ tags }) });
}

/** How the mock runtime names a resource's ID: what another resource's input holds when it refers to it. */
export function idOf(resource: PlannedResource): string {
  return `${resource.name}-id`;
}

/** `resource` with `targets` added to its dependencies, as the engine records a reference. */
export function dependingOn(resource: PlannedResource, ...targets: PlannedResource[]): PlannedResource {
  return {
    ...resource,
    options: {
      ...resource.options,
      dependsOn: [...resource.options.dependsOn, ...targets.map((t) => t.urn)],
    },
  };
}

/** Messages a resource policy reports for `resource`; `others` are resources it may refer to (its provider). */
export async function checkResource(
  policy: ResourceValidationPolicy,
  resource: PlannedResource,
  options: { config?: object; others?: PlannedResource[] } = {},
): Promise<string[]> {
  const messages: string[] = [];
  const byUrn = indexByUrn([resource, ...(options.others ?? [])]);
  const args = resourceArgs(resource, byUrn, {
    stackTags: new Map(),
    getConfig: <T>() => (options.config ?? {}) as T,
  });
  for (const validate of validationsOf(policy)) await validate(args, (message) => messages.push(message));
  return messages;
}

/** Violations a stack policy reports for these resources, as `name: message`. */
export async function checkStack(
  policy: StackValidationPolicy,
  resources: PlannedResource[],
  config: object = {},
): Promise<string[]> {
  const found: string[] = [];
  const byUrn = indexByUrn(resources);
  await policy.validateStack(
    {
      resources: policyResources(resources),
      stackTags: new Map(),
      getConfig: <T>() => config as T,
      notApplicable: () => {
        throw new Error("not applicable");
      },
    },
    (message, urn) => found.push(`${urn ? (byUrn.get(urn)?.name ?? urn) : "stack"}: ${message}`),
  );
  return found;
}

/**
 * A stack's plan even when it violates a mandatory policy (exit 2, full JSON still printed), so a
 * test about other resources does not fail with it.
 */
export function planEvenIfViolating(stack: string): Plan {
  const run = runPlan(["--stack", stack]);
  if (run.status !== 0 && run.status !== 2)
    throw new Error(`plan of ${stack} failed (exit ${run.status}):\n${run.stderr}`);
  return run.plan ?? (JSON.parse(run.stdout) as Plan);
}
