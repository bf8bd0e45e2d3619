// npm run test:mutation [-- <stryker options, e.g. --mutate components/network/cidr.ts>]
// Runs StrykerJS (stryker.config.mjs), prints a score per file on stderr, and ends with one JSON
// line on stdout read from Stryker's JSON report:
//   {"mutants":N,"killed":N,"survived":N,"timeout":N,"score":P}
// `survived` counts every undetected mutant (survived, or reached by no test); `mutants` is the
// valid ones (killed + timeout + survived). Compile and runtime errors and ignored mutants are
// left out, as in Stryker's own mutation score.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const REPORT = "reports/mutation/mutation.json";
const require = createRequire(import.meta.url);
const cli = join(dirname(require.resolve("@stryker-mutator/core/package.json")), "bin/stryker.js");

// Stryker's own output goes to stderr: stdout keeps only the summary line.
const run = spawnSync(process.execPath, [cli, "run", ...process.argv.slice(2)], {
  stdio: ["ignore", process.stderr, process.stderr],
});
if (run.status !== 0) {
  console.error(`stryker exited with status ${run.status ?? run.signal}`);
  process.exit(1);
}

const report = JSON.parse(readFileSync(REPORT, "utf8"));
const totals = { mutants: 0, killed: 0, survived: 0, timeout: 0 };
const rows = [];
for (const [file, { mutants }] of Object.entries(report.files).sort(([a], [b]) => a.localeCompare(b))) {
  const f = { killed: 0, survived: 0, timeout: 0 };
  for (const m of mutants) {
    if (m.status === "Killed") f.killed++;
    else if (m.status === "Timeout") f.timeout++;
    else if (m.status === "Survived" || m.status === "NoCoverage") f.survived++;
  }
  const valid = f.killed + f.timeout + f.survived;
  for (const k of Object.keys(f)) totals[k] += f[k];
  totals.mutants += valid;
  rows.push([file, valid, f.survived, valid === 0 ? 100 : (100 * (f.killed + f.timeout)) / valid]);
}
const width = Math.max(...rows.map(([file]) => file.length));
console.error("\nfile".padEnd(width + 1), "mutants survived score");
for (const [file, valid, survived, score] of rows)
  console.error(
    file.padEnd(width),
    String(valid).padStart(7),
    String(survived).padStart(8),
    score.toFixed(1).padStart(6),
  );

const score =
  totals.mutants === 0 ? 100 : Math.round((10000 * (totals.killed + totals.timeout)) / totals.mutants) / 100;
console.log(JSON.stringify({ ...totals, score }));
