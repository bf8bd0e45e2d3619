/**
 * The example programs (examples/) evaluated under the plan mocks, each in its own child process
 * (the Pulumi runtime is global per process): the repo's own copies, or compiled copies in an app
 * team's project that installs the packed `@switchyard/contract`.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import type { Evaluation } from "../../scripts/lib/evaluate";
import { ROOT } from "./plan";

export type Example = "consumer" | "app-stack";

/**
 * Stack config per example. The mock runtime names the project "switchyard", so an example's
 * `new pulumi.Config()` reads switchyard:* here (catalog:* in the team's real stack).
 */
export const EXAMPLE_CONFIG: Record<Example, Record<string, string>> = {
  consumer: { "aws:region": "eu-west-1" },
  "app-stack": {
    "aws:region": "eu-west-1",
    "switchyard:host": "catalog.example.com",
    "switchyard:live": "green",
    "switchyard:blueImage": "ghcr.io/acme/catalog:2.0.0",
    "switchyard:greenImage": "ghcr.io/acme/catalog:2.1.0",
  },
};

/** Evaluates `program` (default: the example's index.ts in the repo) with the example's config. */
export function planExample(
  example: Example,
  program = join(ROOT, "examples", example, "index.ts"),
): Evaluation {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", join(__dirname, "planProgram.ts"), program, JSON.stringify(EXAMPLE_CONFIG[example])],
    { cwd: ROOT, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 170_000 },
  );
  if (child.status !== 0) throw new Error(`${example} (${program}) did not plan:\n${child.stderr}`);
  return JSON.parse(child.stdout) as Evaluation;
}
