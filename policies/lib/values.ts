/**
 * Narrowing helpers for resource properties. Policies see untyped JSON (inputs under the CLI and
 * offline alike), so every read goes through these instead of casts scattered over the rules.
 */
export type Props = Record<string, unknown>;

export function record(value: unknown): Props | undefined {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Props) : undefined;
}

export function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

export function records(value: unknown): Props[] {
  return list(value).flatMap((item) => {
    const found = record(item);
    return found ? [found] : [];
  });
}

export function strings(value: unknown): string[] {
  return list(value).filter((item): item is string => typeof item === "string");
}

export function text(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** Provider schemas declare some flags as strings ("true"); accept both spellings. */
export function isTrue(value: unknown): boolean {
  return value === true || value === "true";
}

/** Reads a nested property by path, e.g. `at(props, "spec", "template", "spec")`. */
export function at(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) current = record(current)?.[key];
  return current;
}
