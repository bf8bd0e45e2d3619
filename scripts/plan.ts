/**
 * Offline preview: evaluates index.ts under Pulumi's mock runtime with a stack's configuration
 * and prints what `pulumi preview` would create, what it costs, and the policy results.
 *
 *   npm run plan                      # prod, as a tree
 *   npm run plan -- --stack staging
 *   npm run plan -- --json            # one JSON document on stdout; logs on stderr
 *   npm run plan -- --stack-file path/to/Pulumi.x.yaml
 *   npm run plan -- --policy-config levels.json   # pack config, as `pulumi preview --policy-pack-config`
 *   npm run plan -- --diff main       # what changes against a git ref or a saved plan .json
 */
// First: turns source maps off before anything large loads (see ./lib/traces).
import "./lib/traces";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { ConfigError, parseConfig } from "../components/config";
import { costDelta, estimateCost } from "./lib/cost";
import { loadBaseline, BaselineError } from "./lib/diff/baseline";
import { classify } from "./lib/diff/classify";
import { renderDiff } from "./lib/diff/render";
import { evaluateProgram } from "./lib/evaluate";
import { evaluatePolicies, policyExitCode, readPackConfig, renderPolicyReport } from "./lib/policies";
import { renderCost, renderCostDelta, renderTree, summarize } from "./lib/report";
import { readStackConfig } from "./lib/stackConfig";

const HELP = `usage: npm run plan -- [--stack <name>] [--stack-file <path>] [--policy-config <path>] [--diff <base>] [--json]

  --stack <name>       stack to plan (reads Pulumi.<name>.yaml); default prod
  --stack-file <path>  read stack config from this file instead
  --policy-config <path>  policy pack config (JSON) for the policies/ pack
  --diff <base>        compare with a git ref (its tree, same stack file) or a saved plan (.json)
  --replace <urn|name> with --diff: replace this resource as \`pulumi up --replace\` would (repeatable)
  --json               print one JSON document on stdout (logs go to stderr)
Exit status: 0 planned, 1 invalid configuration or program error, 2 a mandatory policy is violated,
3 the diff replaces or deletes a protected or stateful resource the stack file does not allow.`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      stack: { type: "string", default: "prod" },
      "stack-file": { type: "string" },
      "policy-config": { type: "string" },
      diff: { type: "string" },
      replace: { type: "string", multiple: true, default: [] },
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
  const region = config.values["aws:region"] ?? "eu-west-1";
  // The base is evaluated first, in its own process, while this one is still idle.
  const baseline = values.diff ? loadBaseline(root, values.diff, stackFile, stack) : undefined;
  const evaluation = await evaluateProgram(stack, config, resolve(root, "index.ts"));
  const summary = summarize(evaluation.resources);
  const cost = estimateCost(evaluation.resources, region);
  const policyConfig = values["policy-config"] ? readPackConfig(resolve(values["policy-config"])) : {};
  const policies = await evaluatePolicies(evaluation.resources, policyConfig);
  const allow = parseConfig(config.values).review.allowDestroy;
  const diff = baseline
    ? classify(baseline.resources, evaluation.resources, allow, values.replace)
    : undefined;
  const delta = baseline ? costDelta(estimateCost(baseline.resources, region), cost) : undefined;

  if (values.json) {
    const doc = {
      ...evaluation,
      summary,
      cost: { ...cost, ...(delta ? { delta } : {}) },
      policies,
      ...(diff ? { diff: { base: baseline!.label, ...diff } } : {}),
    };
    process.stdout.write(JSON.stringify(doc, null, 2) + "\n");
  } else {
    const parts = diff
      ? [renderDiff(diff, baseline!.label), renderCost(cost), renderCostDelta(delta!)]
      : [renderTree(evaluation), renderCost(cost)];
    process.stdout.write([...parts, renderPolicyReport(policies)].join("\n\n") + "\n");
  }
  if (diff && diff.blocked.length > 0) return 3;
  return policyExitCode(policies);
}

main().then(
  // Exit only once stdout has drained: a piped plan of a few hundred KB is otherwise cut short.
  (code) => process.stdout.write("", () => process.exit(code)),
  (err: unknown) => {
    const configError = findConfigError(err);
    console.error(
      configError
        ? configError.message
        : err instanceof BaselineError
          ? err.message
          : err instanceof Error
            ? (err.stack ?? err.message)
            : String(err),
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
