/**
 * Child-process entry (the Pulumi runtime is global per process): evaluates examples/consumer under
 * the mocks, whose StackReference returns a sample value for every contract key, and prints the
 * plan as JSON.
 */
import { resolve } from "node:path";
import { evaluateProgram } from "../../../scripts/lib/evaluate";

const root = resolve(__dirname, "../../..");
evaluateProgram(
  "dev",
  { values: { "aws:region": "eu-west-1" }, secretKeys: [] },
  resolve(root, "examples/consumer/index.ts"),
).then(
  (evaluation) => process.stdout.write(JSON.stringify(evaluation)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
