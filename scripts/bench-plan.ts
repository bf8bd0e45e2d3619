// npm run bench:plan — CPU time of the offline plan (`scripts/plan.ts --json`, the process and its
// children: the bundle builds) for the prod stack as committed, and for prod with 1, 10 and 100
// apps. Each figure is the best of --runs runs (default 2) on this shared machine. Prints a table,
// then one JSON line (the last line of the output). Linux: reads children's CPU from /proc.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { parse, stringify } from "yaml";

const ROOT = resolve(__dirname, "..");
const PLAN = join(ROOT, "scripts/plan.ts");
const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU of this process's waited-for children (utime + stime of children, /proc/self/stat 16-17). */
function childrenCpuMs(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After the command name, field 3 (state) is index 0: cutime is field 16, cstime field 17.
  return ((Number(fields[13]) + Number(fields[14])) * 1000) / TICKS_PER_SECOND;
}

function planCpuMs(stackFile: string): number {
  const before = childrenCpuMs();
  const run = spawnSync(
    process.execPath,
    ["--import", "tsx", PLAN, "--json", "--stack", "prod", "--stack-file", stackFile],
    {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
      maxBuffer: 256 * 1024 * 1024,
      encoding: "utf8",
    },
  );
  // Exit 2 is a finished plan with a mandatory policy violation: 10 or 100 copies of prod's app
  // outgrow its nodes and the apps quota, and the plan still evaluates every policy.
  if (run.status !== 0 && run.status !== 2)
    throw new Error(
      // With --json a configuration error is the JSON document on stdout.
      `plan of ${stackFile} failed (exit ${run.status}): ${run.status === 1 ? run.stdout.trim() : run.stderr.trim().split("\n").pop()}`,
    );
  return childrenCpuMs() - before;
}

function best(runs: number, stackFile: string): number {
  return Math.min(...Array.from({ length: runs }, () => planCpuMs(stackFile)));
}

/** prod's stack file with `count` copies of its first app (app001, app002, … on their own hosts). */
function withApps(dir: string, count: number): string {
  const doc = parse(readFileSync(join(ROOT, "Pulumi.prod.yaml"), "utf8")) as {
    config: Record<string, unknown>;
  };
  const apps = doc.config["switchyard:apps"] as Record<string, Record<string, unknown>>;
  const template = Object.values(apps)[0];
  const generated: Record<string, unknown> = {};
  for (let i = 1; i <= count; i++) {
    const name = `app${String(i).padStart(3, "0")}`;
    // One level under the domain, preview host included: the certificate's *.example.com covers both.
    generated[name] = {
      ...template,
      host: `${name}.example.com`,
      previewHost: `preview-${name}.example.com`,
    };
  }
  doc.config["switchyard:apps"] = generated;
  const file = join(dir, `Pulumi.prod-${count}-apps.yaml`);
  writeFileSync(file, stringify(doc));
  return file;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "2" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1)
    throw new Error(`--runs: expected a positive integer, got ${values.runs}`);
  const dir = mkdtempSync(join(tmpdir(), "switchyard-bench-plan-"));
  try {
    const prodCpuMs = best(runs, join(ROOT, "Pulumi.prod.yaml"));
    const [apps1Ms, apps10Ms, apps100Ms] = [1, 10, 100].map((n) => best(runs, withApps(dir, n)));
    const perApp = (apps100Ms - apps1Ms) / 99;
    console.log(`plan CPU (best of ${runs}), ms:`);
    console.log(`  prod as committed   ${prodCpuMs}`);
    console.log(`  prod with 1 app     ${apps1Ms}`);
    console.log(`  prod with 10 apps   ${apps10Ms}   (+${((apps10Ms - apps1Ms) / 9).toFixed(0)} per app)`);
    console.log(`  prod with 100 apps  ${apps100Ms}   (+${perApp.toFixed(0)} per app)`);
    console.log(JSON.stringify({ prodCpuMs, apps1Ms, apps10Ms, apps100Ms }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
