/**
 * Child process of `plan --diff`: evaluates another source tree's index.ts (the base of a diff)
 * with this tree's mocks and prints the evaluation as one JSON document. Usage:
 *   node --import tsx scripts/lib/diff/evaluateTree.ts <tree root> <stack file> <stack name>
 */
// First: turns source maps off before anything large loads (see ./lib/traces).
import "../traces";
import { join } from "node:path";
import { evaluateProgram } from "../evaluate";
import { readStackConfig } from "../stackConfig";

async function main(): Promise<void> {
  const [root, stackFile, stack] = process.argv.slice(2);
  console.log = (...args: unknown[]) => console.error(...args);
  // The base is compared with, never deployed: its example placeholders are accepted as the
  // plan accepts this tree's (warned about there). Trees from before placeholders had no switch.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the base tree's own module instance
  const config = require(join(root, "components/config")) as { acceptExamplePlaceholders?: () => void };
  config.acceptExamplePlaceholders?.();
  const evaluation = await evaluateProgram(stack, readStackConfig(root, stackFile), join(root, "index.ts"));
  process.stdout.write(JSON.stringify(evaluation) + "\n", () => process.exit(0));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
