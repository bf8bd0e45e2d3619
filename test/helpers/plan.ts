/**
 * Runs `scripts/plan.ts --json` in a child process (the Pulumi runtime is global per process) and
 * returns the parsed plan. Results are cached per stack file within a test process.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parse, stringify } from "yaml";
import type { Lookup, PlannedResource } from "../../scripts/lib/evaluate";

export const ROOT = resolve(__dirname, "../..");

export interface Plan {
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  lookups: Lookup[];
  summary: { total: number; byType: Record<string, number> };
  [extra: string]: unknown;
}

export interface PlanRun {
  status: number;
  stdout: string;
  stderr: string;
  plan?: Plan;
}

const cache = new Map<string, PlanRun>();

export function runPlan(args: string[]): PlanRun {
  const key = args.join("\0");
  const hit = cache.get(key);
  if (hit) return hit;
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(ROOT, "scripts/plan.ts"), "--json", ...args],
    {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
      // Generous: on a loaded shared runner a plan of ~350 resources can take minutes.
      timeout: 300_000,
    },
  );
  const run: PlanRun = { status: child.status ?? -1, stdout: child.stdout, stderr: child.stderr };
  if (run.status === 0) run.plan = JSON.parse(run.stdout) as Plan;
  cache.set(key, run);
  return run;
}

/** Plans a committed stack (prod, staging) and fails loudly if it does not plan. */
export function planStack(stack: string): Plan {
  const run = runPlan(["--stack", stack]);
  if (!run.plan) throw new Error(`plan of ${stack} failed (exit ${run.status}):\n${run.stderr}`);
  return run.plan;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- stack files are free-form YAML
type YamlMap = Record<string, any>;

/** Plans a variant of a committed stack: `edit` changes its `config:` map in place. */
export function planVariant(base: string, edit: (config: YamlMap) => void): PlanRun {
  const doc = parse(readFileSync(join(ROOT, `Pulumi.${base}.yaml`), "utf8")) as { config: YamlMap };
  edit(doc.config);
  const file = join(mkdtempSync(join(tmpdir(), "switchyard-stack-")), `Pulumi.${base}.yaml`);
  writeFileSync(file, stringify(doc));
  return runPlan(["--stack", base, "--stack-file", file]);
}

/** A variant that must plan (exit 0): its plan, or a failure carrying the plan's stderr. */
export function plannedVariant(base: string, edit: (config: YamlMap) => void): Plan {
  const run = planVariant(base, edit);
  if (run.status !== 0 || !run.plan)
    throw new Error(`variant of ${base} did not plan (exit ${run.status}):\n${run.stderr}`);
  return run.plan;
}

export function ofType(plan: Plan, type: string): PlannedResource[] {
  return plan.resources.filter((r) => r.type === type);
}

export function byName(plan: Plan, type: string, name: string): PlannedResource {
  const found = plan.resources.find((r) => r.type === type && r.name === name);
  if (!found) throw new Error(`no ${type} named ${name} in the plan`);
  return found;
}

/** Children (direct or nested) of the component with this URN. */
export function descendantsOf(plan: Plan, urn: string): PlannedResource[] {
  const out: PlannedResource[] = [];
  const walk = (parent: string) => {
    for (const r of plan.resources.filter((x) => x.parent === parent)) {
      out.push(r);
      walk(r.urn);
    }
  };
  walk(urn);
  return out;
}
