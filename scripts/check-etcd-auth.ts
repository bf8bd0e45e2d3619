/**
 * `npm run check:etcd-auth`: etcd's identities and permissions on real clusters started from the
 * rendered settings and bootstrap (scripts/lib/etcdAuthCheck.ts). Progress goes to stderr; the
 * last line on stdout is the measured summary as JSON. Every process it starts is stopped.
 */
import { runEtcdAuthCheck, summarize } from "./lib/etcdAuthCheck";

async function main(): Promise<void> {
  const report = await runEtcdAuthCheck();
  for (const o of report.fresh.ops) {
    const verdict = o.expect === "allowed" ? (o.ok ? "ok" : "FAILED") : o.refused ? "refused" : "NOT REFUSED";
    console.error(
      `${o.identity.padEnd(24)} ${o.expect.padEnd(9)} ${verdict.padEnd(11)} ${o.op}${o.error ? `: ${o.error}` : ""}`,
    );
  }
  for (const b of [...report.fresh.bootstrap, ...report.migration.bootstrap]) {
    if (b.status !== 0) console.error(`bootstrap failed (${b.status}): ${b.output}`);
  }
  const l = report.migration.load;
  console.error(
    `migration: ${l.requests} requests, ${l.failures} failed, ${l.resets} resets; flip confirmed: ${report.migration.flipConfirmed}; old shared certificate refused: ${report.migration.oldSharedCertRefused}`,
  );
  console.log(JSON.stringify(summarize(report)));
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
