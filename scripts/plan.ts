/**
 * Offline preview: evaluates index.ts under Pulumi's mock runtime with a stack's configuration
 * and prints what `pulumi preview` would create.
 *
 *   npm run plan                      # prod, as a tree
 *   npm run plan -- --stack staging
 *   npm run plan -- --json            # one JSON document on stdout; logs on stderr
 *   npm run plan -- --stack-file path/to/Pulumi.x.yaml
 *   npm run plan -- --policy-config levels.json   # pack config, as `pulumi preview --policy-pack-config`
 */
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError } from "../components/config";
import { costByType, estimateCost } from "./lib/cost";
import { evaluateProgram } from "./lib/evaluate";
import { evaluatePolicies, policyExitCode, readPackConfig, renderPolicyReport } from "./lib/policies";
import { renderCost, renderTree, summarize } from "./lib/report";
import { readStackConfig } from "./lib/stackConfig";

const HELP = `usage: npm run plan -- [--stack <name>] [--stack-file <path>] [--policy-config <path>] [--json]

  --stack <name>       stack to plan (reads Pulumi.<name>.yaml); default prod
  --stack-file <path>  read stack config from this file instead
  --policy-config <path>  policy pack config (JSON) for the policies/ pack
  --json               print one JSON document on stdout (logs go to stderr)
Exit status: 0 planned, 1 invalid configuration or program error, 2 a mandatory policy is violated.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "prod" },
      "stack-file": { type: "string" },
      "policy-config": { type: "string" },
      json: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const root = resolve(__dirname, "..");
  const stack = values.stack!;
  const stackFile = resolve(values["stack-file"] ?? `${root}/Pulumi.${stack}.yaml`);
  // Keep stdout for the one JSON document: route the program's own logging to stderr.
  if (values.json) console.log = (...args: unknown[]) => console.error(...args);

  const config = readStackConfig(root, stackFile);
  const evaluation = await evaluateProgram(stack, config, resolve(root, "index.ts"));
  const summary = summarize(evaluation.resources);
  const cost = estimateCost(evaluation.resources);
  const policyConfig = values["policy-config"] ? readPackConfig(resolve(values["policy-config"])) : {};
  const policies = await evaluatePolicies(evaluation.resources, policyConfig);
  if (values.json) {
    const costSummary = {
      monthlyUsd: cost.monthlyUsd,
      byType: Object.fromEntries(costByType(cost)),
      unpriced: cost.unpriced,
    };
    process.stdout.write(
      JSON.stringify({ ...evaluation, summary, cost: costSummary, policies }, null, 2) + "\n",
    );
  } else {
    process.stdout.write(
      renderTree(evaluation) + "\n\n" + renderCost(cost) + "\n\n" + renderPolicyReport(policies) + "\n",
    );
  }
  return policyExitCode(policies);
}

main().then(
  // Exit only once stdout has drained: a piped plan of a few hundred KB is otherwise cut short.
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    const configError = findConfigError(err);
    console.error(
      configError ? configError.message : err instanceof Error ? (err.stack ?? err.message) : String(err),
    );
    process.exit(1);
  },
);

/** Pulumi wraps errors thrown by the program; dig out ours to print it plainly. */
function findConfigError(err: unknown): ConfigError | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    if (e instanceof ConfigError || (e as Error).name === "ConfigError") return e as ConfigError;
  }
  return undefined;
}
