/**
 * The base of `plan --diff BASE`: a saved plan (`plan --json` output) or a git ref, whose tree is
 * exported to a temporary directory (`git archive`, node_modules linked to this tree's) and
 * evaluated there by a child process with the same stack file path.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import type { Evaluation, PlannedResource } from "../evaluate";

export class BaselineError extends Error {
  override name = "BaselineError";
}

export interface Baseline {
  label: string;
  resources: PlannedResource[];
}

function git(root: string, args: string[], input?: Buffer) {
  return spawnSync("git", ["-C", root, ...args], { input, maxBuffer: 1 << 30 });
}

export function loadBaseline(root: string, base: string, stackFile: string, stack: string): Baseline {
  if (base.endsWith(".json") && existsSync(base)) {
    const doc = JSON.parse(readFileSync(base, "utf8")) as Partial<Evaluation>;
    if (!Array.isArray(doc.resources))
      throw new BaselineError(
        `--diff ${base}: expected a saved plan (npm run plan -- --json), found no resources`,
      );
    return { label: base, resources: doc.resources };
  }
  const commit = git(root, ["rev-parse", "--verify", "--quiet", `${base}^{commit}`]);
  if (commit.status !== 0)
    throw new BaselineError(
      `--diff ${base}: expected a git ref (branch, tag, commit) or a saved plan .json file`,
    );
  const sha = commit.stdout.toString().trim();
  const rel = relative(root, stackFile);
  if (rel.startsWith(".."))
    throw new BaselineError(
      `--diff with a git ref needs a stack file inside the repository, got ${stackFile}`,
    );
  // A stack file that does not exist at the base is a new stack: everything is a create.
  if (git(root, ["cat-file", "-e", `${sha}:${rel}`]).status !== 0)
    return { label: `${base} (no ${rel})`, resources: [] };

  const tree = mkdtempSync(join(tmpdir(), "switchyard-base-"));
  try {
    const archive = git(root, ["archive", "--format=tar", sha]);
    if (archive.status !== 0)
      throw new BaselineError(`git archive ${base} failed: ${archive.stderr.toString().trim()}`);
    const untar = spawnSync("tar", ["-x", "-C", tree], { input: archive.stdout });
    if (untar.status !== 0)
      throw new BaselineError(`unpacking ${base} failed: ${untar.stderr.toString().trim()}`);
    symlinkSync(join(root, "node_modules"), join(tree, "node_modules"), "dir");
    const child = spawnSync(
      process.execPath,
      ["--import", "tsx", join(__dirname, "evaluateTree.ts"), tree, join(tree, rel), stack],
      { cwd: tree, encoding: "utf8", maxBuffer: 1 << 30, stdio: ["ignore", "pipe", "pipe"] },
    );
    if (child.status !== 0)
      throw new BaselineError(
        `evaluating ${base} (${sha.slice(0, 12)}) failed: ${child.stderr.trim().split("\n").pop()}`,
      );
    const evaluation = JSON.parse(child.stdout) as Evaluation;
    return { label: `${base} (${sha.slice(0, 12)})`, resources: evaluation.resources };
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}
