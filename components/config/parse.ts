/**
 * Parses and validates the raw stack configuration. Pure: takes the flat key/value map Pulumi
 * hands a program (`switchyard:network` -> JSON text) and returns a typed config, or throws a
 * ConfigError listing every problem at once, each with its key path and what was expected.
 */
import type { z } from "zod";
import { crossCheck, resolveAvailabilityZones, type ConfigProblem } from "./crossChecks";
import { findPlaceholders } from "./placeholders";
import { AWS_REGIONS, isAwsRegion } from "./regions";
import { closest } from "./suggest";
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

/**
 * Zod's default for an absent required field ("expected object, received undefined") names
 * neither the field nor its place; say which one is missing. Schema-level messages take precedence.
 */
function missingFieldMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code !== "invalid_type" || issue.input !== undefined) return undefined;
  const where = (issue.path ?? []).slice(-2).map(String).join(".");
  return where ? `missing ${where} (expected ${article(issue.expected)})` : undefined;
}

function didYouMean(word: string, candidates: readonly string[]): string {
  const guess = closest(word, [...candidates]);
  return guess ? ` (did you mean ${guess}?)` : "";
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
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

export interface ParseOptions {
  /**
   * What the example placeholders (placeholders.ts) are in a production stack: errors (a real
   * `pulumi up`), or warnings collected in `warnings` (the offline plan of the example stacks).
   */
  placeholders?: "error" | "warn";
  warnings?: ConfigProblem[];
}

export function parseConfig(raw: Record<string, string>, options: ParseOptions = {}): SwitchyardConfig {
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
    const decoded = text === undefined ? { value: undefined } : decode(key, text, structured);
    if (decoded.problem) {
      problems.push(decoded.problem);
      return;
    }
    const result = schema.safeParse(decoded.value === undefined && structured ? {} : decoded.value, {
      error: missingFieldMessage,
    });
    if (result.success) values[key] = result.data;
    else problems.push(...zodProblems(key, result.error));
  };
  for (const key of Object.keys(areaSchemas) as AreaName[]) parseKey(key, areaSchemas[key], true);
  for (const key of Object.keys(scalarSchemas) as ScalarName[]) parseKey(key, scalarSchemas[key], false);

  const region = raw["aws:region"];
  if (!region)
    problems.push({ path: "aws:region", message: "missing: expected the AWS region, e.g. eu-west-1" });
  else if (!isAwsRegion(region))
    problems.push({
      path: "aws:region",
      message: `expected an AWS region such as eu-west-1, got ${JSON.stringify(region)}${didYouMean(region, AWS_REGIONS)}`,
    });
  else values.region = region;

  // Derived values, where their inputs parsed; then every cross-area rule those inputs allow.
  const partial = values as Partial<SwitchyardConfig>;
  // The deploy runners' ranges, when given, are what etcd's client port and the EKS API admit
  // unless those keys say otherwise (a cross-area rule then checks that they cover the runners).
  const runnerCidrs = partial.network?.deployRunners?.cidrs ?? [];
  if (partial.network && partial.kubernetes && partial.kubernetes.apiAccessCidrs.length === 0)
    partial.kubernetes = { ...partial.kubernetes, apiAccessCidrs: [partial.network.cidr, ...runnerCidrs] };
  if (partial.etcd && partial.etcd.deployRunnerCidrs.length === 0 && runnerCidrs.length > 0)
    partial.etcd = { ...partial.etcd, deployRunnerCidrs: [...runnerCidrs] };
  if (partial.network && partial.region)
    partial.availabilityZones = resolveAvailabilityZones(
      partial.region,
      partial.network.azCount,
      partial.network.availabilityZones,
    );
  problems.push(...crossCheck(partial));
  if (partial.environment === "production") {
    const placeholders = findPlaceholders(raw);
    if (options.placeholders === "warn") options.warnings?.push(...placeholders);
    else problems.push(...placeholders);
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return partial as SwitchyardConfig;
}
