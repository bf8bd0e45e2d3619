/**
 * Parses and validates the raw stack configuration. Pure: takes the flat key/value map Pulumi
 * hands a program (`switchyard:network` -> JSON text) and returns a typed config, or throws a
 * ConfigError listing every problem at once, each with its key path and what was expected.
 */
import type { z } from "zod";
import { crossCheck, resolveAvailabilityZones, type ConfigProblem } from "./crossChecks";
import { areaSchemas, scalarSchemas, type AreaName, type ScalarName, type SwitchyardConfig } from "./schema";

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(
      `invalid stack configuration (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p.path}: ${p.message}`).join("\n"),
    );
    this.name = "ConfigError";
  }
}

const NAMESPACE = "switchyard";

function formatPath(key: string, path: readonly PropertyKey[]): string {
  return [`${NAMESPACE}:${key}`, ...path.map(String)].join(".");
}

function zodProblems(key: string, error: z.ZodError): ConfigProblem[] {
  return error.issues.map((issue) => {
    if (issue.code === "unrecognized_keys") {
      return {
        path: formatPath(key, issue.path),
        message: `unknown key(s) ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (check the spelling)`,
      };
    }
    return { path: formatPath(key, issue.path), message: issue.message };
  });
}

/** Object areas arrive as JSON text; scalars as plain strings (or JSON for numbers and booleans). */
function decode(
  key: string,
  text: string,
  structured: boolean,
): { value?: unknown; problem?: ConfigProblem } {
  if (!structured) return { value: text };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return {
      problem: {
        path: `${NAMESPACE}:${key}`,
        message: "expected an object (YAML map), got text that is not JSON",
      },
    };
  }
}

export function parseConfig(raw: Record<string, string>): SwitchyardConfig {
  const problems: ConfigProblem[] = [];
  const values: Record<string, unknown> = {};
  const known = new Set<string>([...Object.keys(areaSchemas), ...Object.keys(scalarSchemas)]);

  for (const fullKey of Object.keys(raw).filter((k) => k.startsWith(`${NAMESPACE}:`))) {
    const key = fullKey.slice(NAMESPACE.length + 1);
    if (!known.has(key))
      problems.push({ path: fullKey, message: `unknown key (expected one of ${[...known].join(", ")})` });
  }
  const parseKey = <T extends z.ZodType>(key: string, schema: T, structured: boolean) => {
    const text = raw[`${NAMESPACE}:${key}`];
    const decoded = text === undefined ? {} : decode(key, text, structured);
    if (decoded.problem) {
      problems.push(decoded.problem);
      return;
    }
    const result = schema.safeParse(decoded.value === undefined && structured ? {} : decoded.value);
    if (result.success) values[key] = result.data;
    else problems.push(...zodProblems(key, result.error));
  };
  for (const key of Object.keys(areaSchemas) as AreaName[]) parseKey(key, areaSchemas[key], true);
  for (const key of Object.keys(scalarSchemas) as ScalarName[]) parseKey(key, scalarSchemas[key], false);

  const region = raw["aws:region"];
  if (!region) problems.push({ path: "aws:region", message: "expected the AWS region, e.g. eu-west-1" });
  else if (!/^[a-z]{2}(-[a-z]+)+-\d$/.test(region))
    problems.push({
      path: "aws:region",
      message: `expected a region name such as eu-west-1, got ${JSON.stringify(region)}`,
    });
  if (problems.length > 0) throw new ConfigError(problems);

  const partial = values as Omit<SwitchyardConfig, "region" | "availabilityZones">;
  const cfg: SwitchyardConfig = {
    ...partial,
    kubernetes: {
      ...partial.kubernetes,
      apiAccessCidrs:
        partial.kubernetes.apiAccessCidrs.length > 0
          ? partial.kubernetes.apiAccessCidrs
          : [partial.network.cidr],
    },
    region,
    availabilityZones: resolveAvailabilityZones(
      region,
      partial.network.azCount,
      partial.network.availabilityZones,
    ),
  };
  const cross = crossCheck(cfg);
  if (cross.length > 0) throw new ConfigError(cross);
  return cfg;
}
