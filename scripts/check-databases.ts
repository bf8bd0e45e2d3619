/**
 * npm run check:databases: a MariaDB primary and two replicas on loopback from the project's own
 * rendered files (scripts/lib/databases/mariadbCluster.ts), bootstrapped by the project's own
 * bootstrap program; writes 10,000 rows on the primary, measures until every replica has them,
 * checks that a replica refuses a write, re-runs the bootstrap everywhere and counts its changes.
 * Progress goes to stderr; the last line on stdout is one JSON object. Every process it started
 * is stopped, also on failure.
 */
import { waitUntil } from "../hosts/testbed/procs";
import { LocalMariadbCluster } from "./lib/databases/mariadbCluster";

const REPLICAS = 2;
const ROWS = 10_000;
const BATCH = 1_000;

async function main(): Promise<void> {
  const cluster = await LocalMariadbCluster.start(REPLICAS);
  try {
    for (const m of cluster.members) {
      const run = await cluster.bootstrap(m);
      if (run.code !== 0) throw new Error(`bootstrap of ${m.name} failed:\n${run.output}`);
      process.stderr.write(`${m.name}: bootstrap made ${run.changes} change(s)\n`);
    }
    const create = cluster.asApp(
      cluster.primary,
      "CREATE TABLE rows_check (id INT PRIMARY KEY, payload CHAR(64))",
    );
    if (create.code !== 0) throw new Error(create.stderr);

    const started = performance.now();
    for (let from = 0; from < ROWS; from += BATCH) {
      const values = Array.from({ length: BATCH }, (_, i) => `(${from + i}, SHA2('${from + i}', 256))`).join(
        ",",
      );
      const w = cluster.asApp(cluster.primary, `INSERT INTO rows_check VALUES ${values}`);
      if (w.code !== 0) throw new Error(w.stderr);
    }
    await waitUntil(
      `every replica to have ${ROWS} rows`,
      120_000,
      async () => (cluster.replicas.every((r) => cluster.count(r, "rows_check") === ROWS) ? true : undefined),
      20,
    );
    const catchUpMs = Math.round(performance.now() - started);

    const replicaWrite = cluster.asApp(cluster.replicas[0], `INSERT INTO rows_check VALUES (${ROWS}, 'x')`);
    const replicaWriteRefused = replicaWrite.code !== 0 && /read-only/.test(replicaWrite.stderr);

    let bootstrapRerunChanges = 0;
    for (const m of cluster.members) {
      const run = await cluster.bootstrap(m);
      if (run.code !== 0) throw new Error(`re-run of the bootstrap on ${m.name} failed:\n${run.output}`);
      bootstrapRerunChanges += run.changes;
    }
    const replicatedRows = cluster.replicas.map((r) => cluster.count(r, "rows_check") ?? 0);
    console.log(
      JSON.stringify({
        engine: "mariadb",
        replicas: REPLICAS,
        rows: ROWS,
        replicatedRows,
        replicaWriteRefused,
        bootstrapRerunChanges,
        catchUpMs,
      }),
    );
  } finally {
    await cluster.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : String(e));
  process.exit(1);
});
