/**
 * Offline preview: evaluates index.ts under Pulumi's mock runtime with a stack's configuration
 * and prints what `pulumi preview` would create.
 *
 *   npm run plan                      # prod, as a tree
 *   npm run plan -- --stack staging
 *   npm run -s plan -- --json         # one JSON document on stdout; logs on stderr
 *   npm run plan -- --stack-file path/to/Pulumi.x.yaml
 *   npm run plan -- --policy-config levels.json   # pack config, as `pulumi preview --policy-pack-config`
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import {
  acceptExamplePlaceholders,
  ConfigError,
  parseConfig,
  type ConfigProblem,
} from "../components/config";
import { runCommand, UsageError, type Command, type FlagSpecs } from "./lib/cli";
import { costByType, estimateCost } from "./lib/cost";
import { evaluateProgram } from "./lib/evaluate";
import { evaluatePolicies, policyExitCode, readPackConfig, renderPolicyReport } from "./lib/policies";
import { renderCost, renderTree, summarize } from "./lib/report";
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
    json: {
      type: "boolean",
      description: "print one JSON document on stdout (logs go to stderr; use npm run -s)",
    },
  },
  footer: "Exit status: 0 planned, 1 invalid configuration or usage, 2 a mandatory policy is violated.",
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
    parseConfig(config.values, { placeholders: flags.strict ? "error" : "warn", warnings });
    if (!flags.strict) acceptExamplePlaceholders();
    if (warnings.length > 0)
      console.error(
        `warning: ${warnings.length} example placeholder(s) left in a production stack; \`pulumi up\` refuses them (docs/production.md):\n` +
          warnings.map((w) => `  - ${w.path}: ${w.message}`).join("\n"),
      );
    const evaluation = await evaluateProgram(stack, config, resolve(ROOT, "index.ts"));
    const summary = summarize(evaluation.resources);
    const cost = estimateCost(evaluation.resources);
    const policyConfig = policyFile ? readPackConfig(resolve(policyFile)) : {};
    const policies = await evaluatePolicies(evaluation.resources, policyConfig);
    if (flags.json) {
      const costSummary = {
        monthlyUsd: cost.monthlyUsd,
        byType: Object.fromEntries(costByType(cost)),
        unpriced: cost.unpriced,
      };
      process.stdout.write(
        JSON.stringify({ ...evaluation, summary, cost: costSummary, policies, warnings }, null, 2) + "\n",
      );
    } else {
      process.stdout.write(
        renderTree(evaluation) + "\n\n" + renderCost(cost) + "\n\n" + renderPolicyReport(policies) + "\n",
      );
    }
    return policyExitCode(policies);
  },
  (err) => {
    const configError = findConfigError(err);
    if (configError && jsonOutput)
      process.stdout.write(JSON.stringify({ errors: configError.problems }, null, 2) + "\n");
    else
      console.error(
        configError ? configError.message : err instanceof Error ? (err.stack ?? err.message) : String(err),
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
