/**
 * What the database hosts are given, as pure functions: MySQL 8.4's statement set (nothing it
 * removed), MariaDB's GTID syntax, MongoDB's version-dependent tuning, the replica-set decision,
 * and the scripts' syntax with bash and Node's parser.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { tempDir } from "../../hosts/testbed/procs";
import { databasesSchema } from "../../components/config/areas/databases";
import { renderBootstrapScript } from "../../components/data/mysql/render/bootstrap";
import { renderMysqlConfig, type MysqlConfigInput } from "../../components/data/mysql/render/config";
import { renderInitDatadirScript } from "../../components/data/mysql/render/scripts";
import { mysqlRelease } from "../../components/data/mysql/releases";
import {
  DECIDE_SOURCE,
  MONITOR_STEPS_SOURCE,
  SERVICE_USERS_SOURCE,
  renderMongoBootstrapScript,
} from "../../components/data/mongodb/render/bootstrap";
import {
  MONGO_CREDENTIALS,
  MONGO_MONITOR,
  MONGO_SERVICE_PREFIX,
} from "../../components/data/mongodb/render/layout";
import { renderMongodConfig, renderMongoSysctl } from "../../components/data/mongodb/render/config";
import { mongoUnits } from "../../components/data/mongodb/render/units";
import { planDataMembers } from "../../components/data/placement";
import { renderPrepareDataScript } from "../../components/common/host/dataVolume";
import { renderYumRepo } from "../../components/common/host/packages";

const mysqlInput = (engine: "mysql" | "mariadb"): MysqlConfigInput => ({
  engine,
  serverId: 2,
  port: 3306,
  bindAddress: "0.0.0.0",
  dataDir: "/var/lib/mysql-data/db",
  socket: "/run/mysqld/mysqld.sock",
  pidFile: "/run/mysqld/mysqld.pid",
  tls: { caFile: "/etc/ca.crt", certFile: "/etc/tls.crt", keyFile: "/etc/tls.key" },
  user: "mysql",
});

/** Statements, options and variables MySQL 8.4 removed (or 8.4 refuses at startup). */
const REMOVED_IN_84: RegExp[] = [
  /CHANGE\s+MASTER/i,
  /START\s+SLAVE/i,
  /STOP\s+SLAVE/i,
  /RESET\s+SLAVE/i,
  /RESET\s+MASTER/i,
  /SHOW\s+SLAVE\s+(STATUS|HOSTS)/i,
  /SHOW\s+MASTER\s+STATUS/i,
  /\bMASTER_[A-Z_]+\s*=/,
  /^\s*(master_info_repository|relay_log_info_repository|log_slave_updates|expire_logs_days|default_authentication_plugin|transaction_write_set_extraction|slave_\w+)\s*=/im,
];

describe("MySQL 8.4 and MariaDB rendering", () => {
  const mysqlBootstrap = renderBootstrapScript("mysql");
  const mysqlConfig = renderMysqlConfig(mysqlInput("mysql"));

  test("nothing MySQL 8.4 removed appears in its config, bootstrap or initialiser", () => {
    for (const text of [mysqlBootstrap, mysqlConfig, renderInitDatadirScript("mysql")]) {
      for (const removed of REMOVED_IN_84) assert.doesNotMatch(text, removed);
    }
    // The check is not vacuous: MariaDB's own syntax trips it.
    assert.ok(REMOVED_IN_84.some((r) => r.test(renderBootstrapScript("mariadb"))));
  });

  test("MySQL replicas use CHANGE REPLICATION SOURCE TO with GTID auto-positioning over verified TLS", () => {
    const change = /CHANGE REPLICATION SOURCE TO [^;]*;/.exec(mysqlBootstrap)?.[0] ?? "";
    for (const option of [
      "SOURCE_AUTO_POSITION=1",
      "SOURCE_SSL=1",
      "SOURCE_SSL_VERIFY_SERVER_CERT=1",
      "SOURCE_SSL_CA='$TLS_CA'",
    ])
      assert.ok(change.includes(option), `${option} in ${change}`);
    assert.match(mysqlBootstrap, /SHOW REPLICA STATUS\\G/);
    assert.match(mysqlBootstrap, /START REPLICA/);
    for (const [k, v] of [
      ["gtid_mode", "ON"],
      ["enforce_gtid_consistency", "ON"],
      ["super_read_only", "ON"],
      ["read_only", "ON"],
      ["log_replica_updates", "ON"],
      ["require_secure_transport", "ON"],
      ["server_id", "2"],
    ])
      assert.match(mysqlConfig, new RegExp(`^${k} = ${v}$`, "m"));
  });

  test("MariaDB uses its own GTID (MASTER_USE_GTID=slave_pos) and no MySQL-only variable", () => {
    const script = renderBootstrapScript("mariadb");
    assert.match(script, /CHANGE MASTER TO [^;]*MASTER_USE_GTID=slave_pos[^;]*MASTER_SSL=1/);
    const cfg = renderMysqlConfig(mysqlInput("mariadb"));
    assert.doesNotMatch(cfg, /gtid_mode|super_read_only|auth_socket/);
    assert.match(cfg, /^gtid_strict_mode = ON$/m);
  });

  test("server ids are unique per member and a bad one is refused", () => {
    const ids = planDataMembers("mysql", 6, ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "z").map(
      (m) => m.index + 1,
    );
    assert.equal(new Set(ids).size, 6);
    assert.throws(() => renderMysqlConfig({ ...mysqlInput("mysql"), serverId: 0 }), /server_id must be >= 1/);
  });

  test("every bootstrap and initialiser parses with bash -n", () => {
    for (const engine of ["mysql", "mariadb"] as const) {
      for (const script of [renderBootstrapScript(engine), renderInitDatadirScript(engine)]) {
        const r = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
        assert.equal(r.status, 0, r.stderr);
      }
    }
  });

  test("packages come from the vendors' signed HTTPS repositories at pinned versions", () => {
    const mysql = mysqlRelease("mysql", "8.4", "amd64");
    assert.equal(mysql.repo.baseUrl, "https://repo.mysql.com/yum/mysql-8.4-community/el/9/x86_64/");
    assert.deepEqual(mysql.packages, ["mysql-community-server-8.4.8", "mysql-community-client-8.4.8"]);
    const mariadb = mysqlRelease("mariadb", "11.8", "arm64");
    assert.equal(mariadb.repo.baseUrl, "https://rpm.mariadb.org/11.8/rhel/9/aarch64");
    for (const r of [mysql, mariadb]) {
      const repo = renderYumRepo(r.repo);
      assert.match(repo, /^gpgcheck=1$/m);
      assert.match(repo, /^gpgkey=https:\/\//m);
    }
    assert.throws(() => mysqlRelease("mysql", "8.0", "amd64"), /no pinned version/);
    assert.throws(() => renderYumRepo({ ...mysql.repo, baseUrl: "http://repo.mysql.com/x" }), /not HTTPS/);
  });
});

describe("MongoDB rendering", () => {
  test("transparent huge pages: disabled for 7.0, enabled (defer+madvise, max_ptes_none 0) for 8.0", () => {
    const thp = (version: string) => {
      const unit = mongoUnits({
        version,
        volumeId: "vol-1",
        tlsSecretArn: "a",
        keySecretArn: "b",
        credentialsSecretArn: "c",
      });
      const text = (name: string) => JSON.stringify(unit.find((u) => u.name === name)!.sections);
      return { thp: text("switchyard-thp.service"), mongod: text("switchyard-mongod.service") };
    };
    const seven = thp("7.0");
    assert.match(
      seven.thp,
      /echo never > \/sys\/kernel\/mm\/transparent_hugepage\/enabled && echo never > \/sys\/kernel\/mm\/transparent_hugepage\/defrag/,
    );
    assert.doesNotMatch(seven.thp, /always|max_ptes_none/);
    assert.doesNotMatch(seven.mongod, /GLIBC_TUNABLES/);
    const eight = thp("8.0");
    assert.match(eight.thp, /echo always > \/sys\/kernel\/mm\/transparent_hugepage\/enabled/);
    assert.match(eight.thp, /echo defer\+madvise > \/sys\/kernel\/mm\/transparent_hugepage\/defrag/);
    assert.match(eight.thp, /echo 0 > \/sys\/kernel\/mm\/transparent_hugepage\/khugepaged\/max_ptes_none/);
    assert.match(eight.mongod, /GLIBC_TUNABLES=glibc.pthread.rseq=0/);
    assert.match(renderMongoSysctl("8.0"), /^vm.overcommit_memory = 1$/m);
    assert.doesNotMatch(renderMongoSysctl("7.0"), /overcommit/);
    assert.match(renderMongoSysctl("7.0"), /^vm.swappiness = 1$/m);
  });

  test("data on XFS, mounted noatime, read-ahead 32 sectors, found by volume id", () => {
    const script = renderPrepareDataScript({
      label: "mongo-data",
      mountPoint: "/m",
      dataDir: "/m/db",
      owner: "mongod",
      readaheadSectors: 32,
    });
    assert.match(script, /nvme-Amazon_Elastic_Block_Store_\$\{volume\/\/-\/\}/);
    assert.match(script, /mkfs\.xfs -L mongo-data/);
    assert.match(script, /mount -o noatime/);
    assert.match(script, /blockdev --setra 32 "\$device"/);
    assert.doesNotMatch(script, /\/dev\/sdf/);
    assert.throws(
      () =>
        renderPrepareDataScript({
          label: "much-too-long-label",
          mountPoint: "/m",
          dataDir: "/m/d",
          owner: "x",
        }),
      /12 characters/,
    );
  });

  test("mongod.conf: replica set, key-file internal auth, authorization, TLS required", () => {
    const doc = parse(
      renderMongodConfig({
        port: 27017,
        dataDir: "/d",
        replicaSetName: "rs0",
        keyFile: "/k/keyfile",
        tls: { caFile: "/ca", certificateKeyFile: "/pem" },
      }),
    );
    assert.equal(doc.replication.replSetName, "rs0");
    assert.deepEqual(doc.security, {
      authorization: "enabled",
      keyFile: "/k/keyfile",
      clusterAuthMode: "keyFile",
    });
    assert.equal(doc.net.tls.mode, "requireTLS");
    assert.equal(doc.net.tls.certificateKeyFile, "/pem");
  });

  test("the replica-set decision: initiate exactly once, never over an existing set", () => {
    const decide = new Function(`${DECIDE_SOURCE}; return decide;`)() as (s: object) => string;
    const fresh = {
      initialized: false,
      hasPrimary: false,
      isPrimary: false,
      initiator: true,
      setSeenAt: undefined,
      unreachable: [],
    };
    assert.equal(decide(fresh), "initiate");
    assert.equal(decide({ ...fresh, unreachable: ["mongodb-2:27017"] }), "wait", "all members first");
    assert.equal(decide({ ...fresh, initiator: false }), "wait", "only mongodb-0 initiates");
    // mongodb-0 replaced with an empty volume: the set lives on, so it joins instead.
    assert.equal(decide({ ...fresh, setSeenAt: "mongodb-1:27017" }), "join");
    assert.equal(decide({ ...fresh, initialized: true }), "wait", "until a primary is elected");
    assert.equal(decide({ ...fresh, initialized: true, hasPrimary: true, isPrimary: true }), "users");
    assert.equal(decide({ ...fresh, initialized: true, hasPrimary: true }), "done");
  });

  test("the monitoring user: created once, narrowed back to clusterMonitor alone, its password rotated", () => {
    const steps = new Function(`${MONITOR_STEPS_SOURCE}; return monitorSteps;`)() as (
      user: object | null,
      loginOk: boolean,
      wanted: readonly { role: string; db: string }[],
    ) => string[];
    const wanted = MONGO_MONITOR.roles;
    assert.deepEqual(steps(null, false, wanted), ["create"]);
    assert.deepEqual(steps({ roles: [{ role: "clusterMonitor", db: "admin" }] }, true, wanted), []);
    // Widened by hand (or by an older bootstrap): set back to exactly clusterMonitor.
    const widened = {
      roles: [
        { role: "clusterMonitor", db: "admin" },
        { role: "root", db: "admin" },
      ],
    };
    assert.deepEqual(steps(widened, true, wanted), ["roles"]);
    assert.deepEqual(steps({ roles: [{ role: "clusterMonitor", db: "admin" }] }, false, wanted), [
      "password",
    ]);
    assert.deepEqual(steps({ roles: [] }, false, wanted), ["roles", "password"]);
    assert.deepEqual(
      wanted,
      [{ role: "clusterMonitor", db: "admin" }],
      "least privilege: clusterMonitor only",
    );
    const script = renderMongoBootstrapScript();
    assert.ok(script.includes(MONITOR_STEPS_SOURCE), "the bootstrap runs this exact function");
    assert.match(script, /ensureMonitor\(admin\);/);
    assert.match(script, /secret\(MONITOR\.credential\)/, "its password from the credentials file");
    assert.ok(MONGO_CREDENTIALS.includes(MONGO_MONITOR.credential), "the credential is in the secret");
  });

  test("platform services' users come from the credential files service-<name>, nothing else", () => {
    const serviceUsers = new Function(
      `const SERVICE_PREFIX = ${JSON.stringify(MONGO_SERVICE_PREFIX)}; ${SERVICE_USERS_SOURCE}; return serviceUsers;`,
    )() as (files: string[]) => string[];
    assert.deepEqual(serviceUsers(["admin", "app", "service-graylog", "service-Bad-Name", "keyfile"]), [
      "graylog",
    ]);
    assert.deepEqual(serviceUsers(["admin", "app"]), []);
    const script = renderMongoBootstrapScript();
    assert.ok(script.includes(SERVICE_USERS_SOURCE), "the bootstrap runs this exact function");
    assert.match(script, /ensureUser\(admin, name, name, SERVICE_PREFIX \+ name\)/);
    assert.match(
      script,
      /roles: \[\{ role: "readWrite", db: database \}\]/,
      "readWrite on its own database only",
    );
  });

  test("the bootstrap is valid JavaScript and creates users only after initiating", () => {
    const file = join(tempDir("switchyard-mongo"), "bootstrap.js");
    const script = renderMongoBootstrapScript();
    writeFileSync(file, script);
    const r = spawnSync(process.execPath, ["--check", file], { encoding: "utf8" });
    assert.equal(r.status, 0, r.stderr);
    assert.match(script, /replSetInitiate/);
    assert.match(script, /createUser\(\{ user: "admin"/);
    assert.doesNotMatch(script, /print\([^)]*secret\(/, "no credential is printed");
  });
});

describe("databases configuration", () => {
  const parseDb = (v: unknown) => databasesSchema.safeParse(v);
  test("defaults: MySQL 8.4, one replica, MongoDB 7.0 with 3 members, gp3 3000/250", () => {
    const d = databasesSchema.parse({});
    assert.equal(d.mysql.engine, "mysql");
    assert.equal(d.mysql.version, "8.4");
    assert.equal(d.mongodb.version, "7.0");
    assert.deepEqual(d.mysql.volume, { type: "gp3", sizeGiB: 100, iops: 3000, throughputMiBps: 250 });
    assert.equal(databasesSchema.parse({ mysql: { engine: "mariadb" } }).mysql.version, "11.8");
  });

  test("bad values name the key and what was expected", () => {
    const cases: [unknown, RegExp][] = [
      [{ mysql: { engine: "mariadb", version: "8.4" } }, /mariadb supports 11\.8, got "8\.4"/],
      [{ mysql: { replicas: 1, primary: "mysql-3" } }, /mysql-3 does not exist with 1 replica/],
      [{ mysql: { volume: { sizeGiB: 20, iops: 16000 } } }, /gp3 of 20 GiB allows at most 10000 IOPS/],
      [{ mongodb: { volume: { iops: 3000, throughputMiBps: 1000 } } }, /allows at most 750 MiB\/s/],
      [{ mongodb: { version: "6.0" } }, /expected a MongoDB version: 7\.0, 8\.0/],
      [{ mongodb: { members: 4 } }, /expected 3 or 5/],
    ];
    for (const [input, message] of cases) {
      const r = parseDb(input);
      assert.equal(r.success, false, JSON.stringify(input));
      assert.match(
        (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`).join("\n"),
        message,
      );
    }
  });
});
