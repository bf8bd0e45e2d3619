/**
 * Tags as AWS will see them: the provider's `defaultTags` merged under a resource's own `tags`.
 * The `Role` tag is the convention by which policies recognise what a resource is for
 * (docs/policies.md lists the values).
 */
import type { PolicyProviderResource } from "@pulumi/policy";
import { record, records, text, type Props } from "./values";

export type Tags = Record<string, string>;

/** The keys cost allocation and ownership reports group by. */
export const REQUIRED_TAGS = ["Project", "Stack", "ManagedBy"];

function stringValues(value: unknown): Tags {
  return Object.fromEntries(
    Object.entries(record(value) ?? {}).filter(([, v]) => typeof v === "string"),
  ) as Tags;
}

/** Provider inputs reach policies as JSON text (the engine's provider config) or as objects. */
export function providerDefaultTags(provider: PolicyProviderResource | undefined): Tags {
  const raw = provider?.props.defaultTags;
  let parsed: unknown = raw;
  if (typeof raw === "string") {
    try {
      parsed = JSON.parse(raw);
    } catch {
      return {};
    }
  }
  return stringValues(record(parsed)?.tags);
}

/** A resource's own tags; auto-scaling groups spell them as a list of `{key, value}`. */
export function ownTags(props: Props): Tags {
  if (Array.isArray(props.tags)) {
    return Object.fromEntries(
      records(props.tags).flatMap((t) =>
        text(t.key) && text(t.value) !== undefined ? [[t.key, t.value]] : [],
      ),
    ) as Tags;
  }
  return stringValues(props.tags);
}

export function effectiveTags(props: Props, provider: PolicyProviderResource | undefined): Tags {
  return { ...providerDefaultTags(provider), ...ownTags(props) };
}

export function hasRole(props: Props, roles: readonly string[]): boolean {
  const role = ownTags(props).Role;
  return roles.some((r) => r === role);
}
