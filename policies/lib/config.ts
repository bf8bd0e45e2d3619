/**
 * Policy configuration: each rule declares its defaults once; the JSON schema the CLI validates
 * pack config against and the values the rule reads both come from them.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

type Setting = string[] | number[] | string | number | boolean;

export interface Configurable<T extends Record<string, Setting>> {
  configSchema: PolicyConfigSchema;
  /** The rule's settings: pack config where set, the declared default elsewhere. */
  read(args: { getConfig<C extends object>(): C }): T;
}

export function configurable<T extends Record<string, Setting>>(
  defaults: T,
  descriptions: { [K in keyof T]: string },
): Configurable<T> {
  const properties = Object.fromEntries(
    Object.entries(defaults).map(([key, value]) => [
      key,
      {
        description: descriptions[key],
        default: value,
        ...(Array.isArray(value)
          ? { type: "array" as const, items: { type: typeof value[0] === "number" ? "number" : "string" } }
          : { type: typeof value as "string" | "number" | "boolean" }),
      },
    ]),
  );
  return {
    configSchema: { properties } as PolicyConfigSchema,
    // The CLI passes only the keys an operator set, so defaults fill the rest.
    read: (args) => ({ ...defaults, ...args.getConfig<Partial<T>>() }),
  };
}
