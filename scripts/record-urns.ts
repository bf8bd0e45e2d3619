/**
 * Records the resource URNs of the prod and staging plans as a baseline fixture, so that a
 * refactoring can prove it renames nothing (test/plan/urns.test.ts). Run it in the checkout whose
 * plan is the reference:
 *
 *   npm run record:urns                  # this working tree
 *   npm run record:urns -- --ref main    # a commit (exported to a temporary tree, planned there)
 *
 * Ends with one JSON line: the fixture written, the commit and the URN count per stack.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";

export const STACKS = ["prod", "staging"] as const;
export const URN_FIXTURE = resolve(__dirname, "../test/plan/fixtures/urns.json");

function planUrns(root: string, stack: string): string[] {
  const child = spawnSync(
    process.execPath,
    ["--import", "tsx", "scripts/plan.ts", "--stack", stack, "--json"],
    {
      cwd: root,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  if (child.status !== 0) throw new Error(`plan of ${stack} in ${root} failed:\n${child.stderr}`);
  const plan = JSON.parse(child.stdout) as { resources: { urn: string }[] };
  return plan.resources.map((r) => r.urn).sort();
}

const REPO = resolve(__dirname, "..");
const git = (...args: string[]) => execFileSync("git", args, { cwd: REPO, encoding: "utf8" }).trim();

/** The commit's tree in a temporary directory, sharing this checkout's node_modules. */
function exportCommit(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-urns-"));
  execFileSync("sh", ["-c", `git archive ${commit} | tar -x -C "${dir}"`], { cwd: REPO });
  symlinkSync(join(REPO, "node_modules"), join(dir, "node_modules"));
  return dir;
}

function main(): void {
  const { values } = parseArgs({ options: { ref: { type: "string" }, out: { type: "string" } } });
  const commit =
    values.ref === undefined ? "working tree" : git("rev-parse", "--verify", `${values.ref}^{commit}`);
  const root = values.ref === undefined ? REPO : exportCommit(commit);
  try {
    const stacks = Object.fromEntries(STACKS.map((s) => [s, planUrns(root, s)]));
    const out = resolve(values.out ?? URN_FIXTURE);
    writeFileSync(out, JSON.stringify({ recordedFrom: commit, stacks }, null, 2) + "\n");
    console.log(
      JSON.stringify({ out, commit, ...Object.fromEntries(STACKS.map((s) => [s, stacks[s].length])) }),
    );
  } finally {
    if (root !== REPO) rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) main();
