/**
 * Child-process entry (the Pulumi runtime is global per process): evaluates examples/app-stack under
 * the plan mocks, whose StackReference answers with a sample of every platform export, and prints
 * the evaluation as JSON.
 */
import { resolve } from "node:path";
import { evaluateProgram } from "../../../scripts/lib/evaluate";

const root = resolve(__dirname, "../../..");
evaluateProgram(
  "dev",
  {
    // The mock runtime names the project "switchyard", so the example's `new pulumi.Config()` reads
    // switchyard:* here (catalog:* in the team's real stack).
    values: {
      "aws:region": "eu-west-1",
      "switchyard:host": "catalog.example.com",
      "switchyard:live": "green",
      "switchyard:blueImage": "ghcr.io/acme/catalog:2.0.0",
      "switchyard:greenImage": "ghcr.io/acme/catalog:2.1.0",
    },
    secretKeys: [],
  },
  resolve(root, "examples/app-stack/index.ts"),
).then(
  (evaluation) => process.stdout.write(JSON.stringify(evaluation)),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
