/**
 * Offline preview: evaluates index.ts under Pulumi's mock runtime with a stack's configuration
 * and prints what `pulumi preview` would create, what it costs, and the policy results.
 *
 *   npm run plan                      # prod, as a tree
 *   npm run plan -- --stack staging
 *   npm run -s plan -- --json         # one JSON document on stdout; logs on stderr
 *   npm run plan -- --stack-file path/to/Pulumi.x.yaml
 *   npm run plan -- --policy-config levels.json   # pack config, as `pulumi preview --policy-pack-config`
 *   npm run plan -- --diff main       # what changes against a git ref or a saved plan .json
 */
// First: turns source maps off before anything large loads (see ./lib/traces).
import "./lib/traces";
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  acceptExamplePlaceholders,
  ConfigError,
  parseConfig,
  type ConfigProblem,
} from "../components/config";
import { runCommand, UsageError, type Command, type FlagSpecs } from "./lib/cli";
import { planCapacity, renderCapacity } from "./lib/capacity";
import { costDelta, estimateCost } from "./lib/cost";
import { loadBaseline, BaselineError } from "./lib/diff/baseline";
import { classify } from "./lib/diff/classify";
import { renderDiff } from "./lib/diff/render";
import { evaluateProgram } from "./lib/evaluate";
import { evaluatePolicies, policyExitCode, readPackConfig, renderPolicyReport } from "./lib/policies";
import { renderCost, renderCostDelta, renderTree, summarize } from "./lib/report";
import { readStackConfig, resolveStack } from "./lib/stackConfig";

const ROOT = resolve(__dirname, "..");

const planCommand = {
  invocation: "npm run plan --",
  flags: {
    stack: {
      type: "string",
      value: "name",
      description: "stack to plan: reads Pulumi.<name>.yaml (default prod, or the --stack-file's name)",
    },
    "stack-file": {
      type: "string",
      value: "path",
      description: "read the stack config from this file; the stack is named from Pulumi.<name>.yaml",
    },
    "policy-config": {
      type: "string",
      value: "path",
      description: "policy pack config (JSON) for the policies/ pack",
    },
    strict: {
      type: "boolean",
      description: "refuse the example placeholders in a production stack, as `pulumi up` does",
    },
    diff: {
      type: "string",
      value: "base",
      description: "compare with a git ref (its tree, same stack file) or a saved plan (.json)",
    },
    replace: {
      type: "string",
      value: "urn|name",
      multiple: true,
      description: "with --diff: replace this resource as `pulumi up --replace` would (repeatable)",
    },
    json: {
      type: "boolean",
      description: "print one JSON document on stdout (logs go to stderr; use npm run -s)",
    },
  },
  footer:
    "Exit status: 0 planned, 1 invalid configuration or usage, 2 a mandatory policy is violated,\n" +
    "3 the diff replaces or deletes a protected or stateful resource the stack file does not allow.",
} as const satisfies Command<FlagSpecs>;

let jsonOutput = false;

runCommand(
  planCommand,
  async (flags) => {
    jsonOutput = flags.json;
    const { stack, stackFile } = resolveStack(ROOT, flags);
    const policyFile = flags["policy-config"];
    if (policyFile && !existsSync(policyFile)) throw new UsageError(`no such policy config ${policyFile}`);
    // Keep stdout for the one JSON document: route the program's own logging to stderr.
    if (flags.json) console.log = (...args: unknown[]) => console.error(...args);

    const config = readStackConfig(ROOT, stackFile);
    // Validate here too, so that every problem is reported before the program is even loaded.
    const warnings: ConfigProblem[] = [];
    const parsed = parseConfig(config.values, { placeholders: flags.strict ? "error" : "warn", warnings });
    if (!flags.strict) acceptExamplePlaceholders();
    const region = config.values["aws:region"] ?? "eu-west-1";
    // The base is evaluated first, in its own process, while this one is still idle; a bad base
    // is its one line of error, before any warning.
    const baseline = flags.diff ? loadBaseline(ROOT, flags.diff, stackFile, stack) : undefined;
    if (warnings.length > 0)
      console.error(
        `warning: ${warnings.length} example placeholder(s) left in a production stack; \`pulumi up\` refuses them (docs/production.md):\n` +
          warnings.map((w) => `  - ${w.path}: ${w.message}`).join("\n"),
      );
    const evaluation = await evaluateProgram(stack, config, resolve(ROOT, "index.ts"));
    const summary = summarize(evaluation.resources);
    const cost = estimateCost(evaluation.resources, region);
    const policyConfig = policyFile ? readPackConfig(resolve(policyFile)) : {};
    const policies = await evaluatePolicies(evaluation.resources, policyConfig);
    const capacity = planCapacity(evaluation.resources, policyConfig);
    const allow = parsed.review.allowDestroy;
    const diff = baseline
      ? classify(baseline.resources, evaluation.resources, allow, flags.replace)
      : undefined;
    const delta = baseline ? costDelta(estimateCost(baseline.resources, region), cost) : undefined;

    if (flags.json) {
      const doc = {
        ...evaluation,
        summary,
        cost: { ...cost, ...(delta ? { delta } : {}) },
        ...(capacity ? { capacity } : {}),
        policies,
        warnings,
        ...(diff ? { diff: { base: baseline!.label, ...diff } } : {}),
      };
      process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
    } else {
      const parts = diff
        ? [renderDiff(diff, baseline!.label), renderCost(cost), renderCostDelta(delta!)]
        : [renderTree(evaluation), renderCost(cost)];
      if (capacity) parts.push(renderCapacity(capacity));
      process.stdout.write([...parts, renderPolicyReport(policies)].join("\n\n") + "\n");
    }
    if (diff && diff.blocked.length > 0) return 3;
    return policyExitCode(policies);
  },
  (err) => {
    const configError = findConfigError(err);
    if (configError && jsonOutput)
      process.stdout.write(JSON.stringify({ errors: configError.problems }, null, 2) + "\n");
    else
      console.error(
        configError
          ? configError.message
          : err instanceof BaselineError
            ? err.message
            : err instanceof Error
              ? (err.stack ?? err.message)
              : String(err),
      );
    return 1;
  },
);

/** Pulumi wraps errors thrown by the program; dig out ours to print it plainly. */
function findConfigError(err: unknown): ConfigError | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ConfigError || (e as Error).name === "ConfigError") return e as ConfigError;
  }
  return undefined;
}
