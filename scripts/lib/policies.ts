/**
 * Runs the CrossGuard pack in policies/ against a plan, the way `pulumi preview --policy-pack`
 * would: the same policy objects, the same enforcement-level resolution from pack config.
 */
import { readFileSync } from "node:fs";
import type {
  EnforcementLevel,
  Policies,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies as packPolicies } from "../../policies/rules";
import type { PlannedResource } from "./evaluate";
import { NotApplicable, indexByUrn, notApplicable, policyResources, resourceArgs } from "./policyArgs";

export interface PolicyViolation {
  policy: string;
  /** The resource at fault; the stack's URN for a stack-wide violation. */
  urn: string;
  message: string;
  level: EnforcementLevel;
}

export interface PolicyReport {
  pack: string;
  evaluated: string[];
  violations: PolicyViolation[];
}

/** `--policy-pack-config` file contents: per policy a level, or a level plus settings; `all` sets every level. */
export type PackConfig = Record<
  string,
  EnforcementLevel | ({ enforcementLevel?: EnforcementLevel } & Record<string, unknown>)
>;

export function readPackConfig(path: string): PackConfig {
  return JSON.parse(readFileSync(path, "utf8")) as PackConfig;
}

function entry(
  config: PackConfig,
  key: string,
): { enforcementLevel?: EnforcementLevel } & Record<string, unknown> {
  const value = config[key];
  return typeof value === "string" ? { enforcementLevel: value } : (value ?? {});
}

/** As the CLI: the policy's own entry, then `all`, then the policy's default, then the pack's. */
function levelOf(
  config: PackConfig,
  policy: { name: string; enforcementLevel?: EnforcementLevel },
): EnforcementLevel {
  const level =
    entry(config, policy.name).enforcementLevel ??
    entry(config, "all").enforcementLevel ??
    policy.enforcementLevel ??
    PACK_ENFORCEMENT_LEVEL;
  // The engine validates remediating policies like mandatory ones when asked only to report.
  return level === "remediate" ? "mandatory" : level;
}

/** A policy's settings in pack config (its entry without the level). */
export function settingsOf(config: PackConfig, name: string): object {
  const { enforcementLevel: _level, ...settings } = entry(config, name);
  return settings;
}

/** A resource policy may give one validation function or several, run in order. */
export function validationsOf(policy: ResourceValidationPolicy) {
  const v = policy.validateResource;
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** Runs `check`, treating `notApplicable()` as no violation, as the engine does. */
async function guarded(check: () => Promise<void> | void): Promise<void> {
  try {
    await check();
  } catch (err) {
    if (!(err instanceof NotApplicable)) throw err;
  }
}

export async function evaluatePolicies(
  resources: PlannedResource[],
  config: PackConfig = {},
  policies: Policies = packPolicies,
): Promise<PolicyReport> {
  const byUrn = indexByUrn(resources);
  const stackUrn = resources.find((r) => r.type === "pulumi:pulumi:Stack")?.urn ?? "";
  const stackTags = new Map<string, string>();
  const linked = policyResources(resources);
  const report: PolicyReport = { pack: PACK_NAME, evaluated: [], violations: [] };
  for (const policy of policies) {
    const level = levelOf(config, policy);
    if (level === "disabled") continue;
    report.evaluated.push(policy.name);
    const common = { stackTags, getConfig: <T extends object>() => settingsOf(config, policy.name) as T };
    const collect =
      (defaultUrn: string): ReportViolation =>
      (message, urn) =>
        report.violations.push({ policy: policy.name, urn: urn ?? defaultUrn, message, level });
    if ("validateStack" in policy) {
      const stackPolicy = policy as StackValidationPolicy;
      await guarded(() =>
        stackPolicy.validateStack({ resources: linked, ...common, notApplicable }, collect(stackUrn)),
      );
    } else {
      for (const validate of validationsOf(policy as ResourceValidationPolicy)) {
        for (const r of resources) {
          await guarded(() => validate(resourceArgs(r, byUrn, common), collect(r.urn)));
        }
      }
    }
  }
  return report;
}

/** The plan's exit status: 2 when any mandatory policy is violated. */
export function policyExitCode(report: PolicyReport): number {
  return report.violations.some((v) => v.level === "mandatory") ? 2 : 0;
}

/** `urn:pulumi:s::p::parent$type::name` → `type name`, what a reader needs to find the resource. */
function describe(urn: string): string {
  const parts = urn.split("::");
  return parts.length < 4 ? urn : `${parts[2].split("$").pop()} ${parts.slice(3).join("::")}`;
}

/** Violations grouped by policy, for the tree output. */
export function renderPolicyReport(report: PolicyReport): string {
  const mandatory = report.violations.filter((v) => v.level === "mandatory").length;
  const lines = [
    `Policies (${report.pack}): ${report.evaluated.length} evaluated, ` +
      `${mandatory} mandatory and ${report.violations.length - mandatory} other violation(s)`,
  ];
  for (const policy of report.evaluated) {
    const found = report.violations.filter((v) => v.policy === policy);
    if (found.length === 0) continue;
    lines.push(`    ${policy} (${found[0].level})`);
    for (const v of found) lines.push(`        ${describe(v.urn)}: ${v.message}`);
  }
  return lines.join("\n");
}
