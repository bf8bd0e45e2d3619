/**
 * The MariaDB engine for real (Debian's mariadbd): a primary and two replicas on loopback, from
 * the project's own option file, data-directory initialiser and bootstrap program.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { waitUntil } from "../../hosts/testbed/procs";
import { LocalMariadbCluster } from "../../scripts/lib/databases/mariadbCluster";

let cluster: LocalMariadbCluster;

const waitForRows = (member: LocalMariadbCluster["members"][number], table: string, rows: number) =>
  waitUntil(
    `${member.name} to have ${rows} rows in ${table}`,
    60_000,
    async () => (cluster.count(member, table) === rows ? true : undefined),
    100,
  );

describe("MariaDB primary and replicas from the rendered files", () => {
  before(async () => {
    cluster = await LocalMariadbCluster.start(2);
  });
  after(async () => {
    await cluster?.stop();
  });

  test("the first bootstrap creates the schema and accounts on the primary and points each replica at it", async () => {
    const primary = await cluster.bootstrap(cluster.primary);
    assert.equal(primary.code, 0, primary.output);
    assert.match(primary.output, /role: primary/);
    for (const what of ["database app created", "account replication created", "account app created"])
      assert.ok(primary.output.includes(`change: ${what}`), `${what}:\n${primary.output}`);
    for (const replica of cluster.replicas) {
      const run = await cluster.bootstrap(replica);
      assert.equal(run.code, 0, run.output);
      assert.match(run.output, /change: replication configured from 127\.0\.0\.1:\d+/);
      assert.match(run.output, /replicating from/);
      // GTID replication over TLS, verified against the CA, from the replication account.
      const status = cluster.root_(replica, "SHOW REPLICA STATUS\\G", { columnNames: true }).stdout;
      assert.match(status, /Using_Gtid: Slave_Pos/);
      assert.match(status, /Master_SSL_Allowed: Yes/);
      assert.match(status, /Master_SSL_Verify_Server_Cert: Yes/);
      assert.match(status, /Master_User: replication/);
    }
  });

  test("a row written on the primary is read on both replicas", async () => {
    const w = cluster.asApp(
      cluster.primary,
      "CREATE TABLE orders (id INT PRIMARY KEY, note VARCHAR(40)); INSERT INTO orders VALUES (1, 'first');",
    );
    assert.equal(w.code, 0, w.stderr);
    for (const replica of cluster.replicas) {
      await waitForRows(replica, "orders", 1);
      const r = cluster.root_(replica, "SELECT note FROM app.orders WHERE id = 1");
      assert.equal(r.stdout.trim(), "first");
    }
  });

  test("a write on a replica is refused", () => {
    const r = cluster.asApp(cluster.replicas[0], "INSERT INTO orders VALUES (2, 'on a replica')");
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /read-only|--read-only/);
    assert.equal(cluster.count(cluster.replicas[0], "orders"), 1);
  });

  test("running the bootstrap again changes nothing, and writes no transaction", async () => {
    const gtidBefore = cluster.root_(cluster.primary, "SELECT @@GLOBAL.gtid_binlog_pos").stdout.trim();
    for (const m of cluster.members) {
      const run = await cluster.bootstrap(m);
      assert.equal(run.code, 0, run.output);
      assert.equal(run.changes, 0, `${m.name}:\n${run.output}`);
      assert.doesNotMatch(run.output, /change:/);
    }
    assert.equal(cluster.root_(cluster.primary, "SELECT @@GLOBAL.gtid_binlog_pos").stdout.trim(), gtidBefore);
  });

  test("the bootstrap sets a rotated password again, and only then", async () => {
    cluster.root_(cluster.primary, "ALTER USER 'monitor'@'%' IDENTIFIED BY 'SomethingElse1234567'");
    const run = await cluster.bootstrap(cluster.primary);
    assert.equal(run.code, 0, run.output);
    assert.equal(run.changes, 1, run.output);
    assert.match(run.output, /change: account monitor: password set to the current credential/);
    assert.equal((await cluster.bootstrap(cluster.primary)).changes, 0);
  });

  test("a replica restarted mid-stream catches up", async () => {
    const replica = cluster.replicas[1];
    await cluster.stopServer(replica);
    const values = Array.from({ length: 500 }, (_, i) => `(${i + 100}, 'while down')`).join(",");
    assert.equal(cluster.asApp(cluster.primary, `INSERT INTO orders VALUES ${values}`).code, 0);
    await cluster.startServer(replica);
    await waitForRows(replica, "orders", 501);
    const run = await cluster.bootstrap(replica);
    assert.equal(run.changes, 0, `replication resumed by itself:\n${run.output}`);
  });

  test("a new replica whose primary is unreachable at boot waits, says so, then joins", async () => {
    await cluster.stopServer(cluster.primary);
    const fresh = await cluster.addMember("replica-late");
    const pending = cluster.bootstrap(fresh);
    const early = await Promise.race([pending.then(() => "finished"), delay(6000).then(() => "waiting")]);
    assert.equal(early, "waiting", "the bootstrap waits for the primary");
    await cluster.startServer(cluster.primary);
    const run = await pending;
    assert.equal(run.code, 0, run.output);
    assert.match(run.output, /waiting for the primary 127\.0\.0\.1:\d+ to accept the replication account/);
    assert.match(run.output, /primary 127\.0\.0\.1:\d+ reachable after \d+s/);
    assert.match(run.output, /replicating from/);
    // From an empty data directory to every row, by GTID alone.
    await waitForRows(fresh, "orders", 501);
  });
});

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
