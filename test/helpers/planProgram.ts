/** Child-process entry of planExample: `planProgram.ts <program> <config JSON>`, prints the evaluation. */
import { resolve } from "node:path";
import { evaluateProgram } from "../../scripts/lib/evaluate";

const [program, config] = process.argv.slice(2);
evaluateProgram(
  "dev",
  { values: JSON.parse(config!) as Record<string, string>, secretKeys: [] },
  resolve(program!),
).then(
  (evaluation) => process.stdout.write(JSON.stringify(evaluation)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
