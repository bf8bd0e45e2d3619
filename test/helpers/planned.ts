/** Hand-built planned resources, shaped like the offline plan records them. */
import type { PlannedResource } from "../../scripts/lib/evaluate";

export const STACK_URN = "urn:pulumi:test::switchyard::pulumi:pulumi:Stack::switchyard-test";

interface Extra {
  options?: Partial<PlannedResource["options"]>;
  provider?: PlannedResource;
}

export function planned(
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  extra: Extra = {},
): PlannedResource {
  return {
    urn: `urn:pulumi:test::switchyard::${type}::${name}`,
    type,
    name,
    parent: STACK_URN,
    custom: true,
    provider: extra.provider ? `${extra.provider.urn}::${extra.provider.name}-id` : undefined,
    inputs,
    options: {
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      replaceOnChanges: [],
      dependsOn: [],
      aliases: [],
      ...extra.options,
    },
  };
}
