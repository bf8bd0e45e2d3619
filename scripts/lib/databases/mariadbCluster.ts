/**
 * A MariaDB primary and replicas on loopback, each with its own data directory and port, run
 * from the project's own rendered files: the member option file (renderMysqlConfig), the
 * data-directory initialiser and the bootstrap program, exactly as a host runs them. Only paths,
 * ports and two sizes (buffer pool, redo log; small here) differ. Used by the MariaDB test and
 * by `npm run check:databases`; stop() ends every process it started and removes its files.
 */
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, killPid, spawnLogged, tempDir, waitUntil } from "../../../hosts/testbed/procs";
import { makeTlsFiles, type TlsFiles } from "../../../hosts/testbed/tls";
import { renderBootstrapEnv, renderBootstrapScript } from "../../../components/data/mysql/render/bootstrap";
import { renderMysqlConfig } from "../../../components/data/mysql/render/config";
import { MYSQL_CREDENTIALS } from "../../../components/data/mysql/render/layout";
import { renderInitDatadirScript } from "../../../components/data/mysql/render/scripts";

export const MARIADB_SERVER = "/usr/sbin/mariadbd";
const CLIENT = "/usr/bin/mariadb";

export interface Member {
  name: string;
  port: number;
  dir: string;
  configFile: string;
  socket: string;
  envFile: string;
  logFile: string;
  pid?: number;
}

export interface BootstrapRun {
  code: number;
  output: string;
  /** From the program's own "done: N change(s)" line. */
  changes: number;
}

export interface SqlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export class LocalMariadbCluster {
  readonly members: Member[] = [];
  private readonly tls: TlsFiles;
  private readonly bootstrapScript: string;
  private readonly primaryFile: string;
  private readonly credentialsDir: string;
  readonly appUser = "app";
  readonly database = "app";

  private constructor(
    readonly root: string,
    private readonly pollSeconds: number,
  ) {
    this.tls = makeTlsFiles(mkdir(join(root, "tls")));
    this.bootstrapScript = join(root, "mysql-bootstrap");
    writeFileSync(this.bootstrapScript, renderBootstrapScript("mariadb"));
    chmodSync(this.bootstrapScript, 0o755);
    this.credentialsDir = mkdir(join(root, "credentials"));
    for (const c of MYSQL_CREDENTIALS)
      writeFileSync(join(this.credentialsDir, c), randomBytes(16).toString("hex"));
    this.primaryFile = join(root, "primary-address");
  }

  /** Starts the primary and `replicas` replica servers (not yet bootstrapped). */
  static async start(replicas: number, opts: { pollSeconds?: number } = {}): Promise<LocalMariadbCluster> {
    const cluster = new LocalMariadbCluster(tempDir("switchyard-mariadb"), opts.pollSeconds ?? 1);
    try {
      const primary = await cluster.addMember("primary");
      writeFileSync(cluster.primaryFile, `127.0.0.1:${primary.port}\n`);
      for (let i = 1; i <= replicas; i++) await cluster.addMember(`replica-${i}`);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  get primary(): Member {
    return this.members[0];
  }

  get replicas(): Member[] {
    return this.members.slice(1);
  }

  /** Initialises and starts a new member from the rendered files; `start: false` leaves it stopped. */
  async addMember(name: string, opts: { start?: boolean } = {}): Promise<Member> {
    const dir = mkdir(join(this.root, name));
    const port = await freePort();
    const m: Member = {
      name,
      port,
      dir,
      configFile: join(dir, "my.cnf"),
      socket: join(dir, "mysqld.sock"),
      envFile: join(dir, "bootstrap.env"),
      logFile: join(dir, "server.log"),
    };
    writeFileSync(
      m.configFile,
      renderMysqlConfig({
        engine: "mariadb",
        serverId: this.members.length + 1,
        port,
        bindAddress: "127.0.0.1",
        dataDir: join(dir, "data"),
        socket: m.socket,
        pidFile: join(dir, "mysqld.pid"),
        tls: { caFile: this.tls.caFile, certFile: this.tls.serverCertFile, keyFile: this.tls.serverKeyFile },
        // The test runs as root; hosts run the server as mysql.
        user: "root",
      }),
    );
    writeFileSync(
      m.envFile,
      renderBootstrapEnv({
        selfHost: "127.0.0.1",
        selfPort: port,
        socket: m.socket,
        primaryFile: this.primaryFile,
        credentialsDir: this.credentialsDir,
        caFile: this.tls.caFile,
        database: this.database,
        appUser: this.appUser,
        primaryWaitSeconds: 120,
        pollSeconds: this.pollSeconds,
      }),
    );
    const init = join(dir, "mysql-init-datadir");
    writeFileSync(init, renderInitDatadirScript("mariadb"));
    const r = spawnSync("bash", [init, m.configFile], { encoding: "utf8", timeout: 120_000 });
    if (r.status !== 0) throw new Error(`initialising ${name} failed:\n${r.stdout}${r.stderr}`);
    this.members.push(m);
    if (opts.start !== false) await this.startServer(m);
    return m;
  }

  async startServer(m: Member): Promise<void> {
    const child = spawnLogged(
      MARIADB_SERVER,
      // Sizes the hosts compute from their memory (units.ts) kept small here: three servers share two cores.
      [`--defaults-file=${m.configFile}`, "--innodb-buffer-pool-size=64M", "--innodb-log-file-size=48M"],
      m.logFile,
    );
    m.pid = child.pid;
    let exited = false;
    child.once("exit", () => (exited = true));
    await waitUntil(
      `${m.name} to accept connections`,
      60_000,
      async () => {
        if (exited) throw new Error(`${m.name} exited:\n${readFileSync(m.logFile, "utf8").slice(-2000)}`);
        return this.root_(m, "SELECT 1").code === 0 ? true : undefined;
      },
      100,
    );
  }

  async stopServer(m: Member): Promise<void> {
    if (m.pid !== undefined) await killPid(m.pid, "SIGTERM", 60_000);
    m.pid = undefined;
  }

  /** Runs the bootstrap program for a member, as its systemd unit would. */
  bootstrap(m: Member): Promise<BootstrapRun> {
    return new Promise((resolve, reject) => {
      const child = spawn("bash", [this.bootstrapScript, m.envFile], { stdio: ["ignore", "pipe", "pipe"] });
      let output = "";
      child.stdout.on("data", (b: Buffer) => (output += b.toString()));
      child.stderr.on("data", (b: Buffer) => (output += b.toString()));
      child.once("error", reject);
      child.once("close", (code) => {
        const done = /done: (\d+) change\(s\)/.exec(output);
        resolve({ code: code ?? -1, output, changes: done ? Number(done[1]) : -1 });
      });
    });
  }

  /** SQL as root over the member's socket (column names kept for `\\G` output). */
  root_(m: Member, sql: string, opts: { columnNames?: boolean } = {}): SqlResult {
    return client(["--no-defaults", `--socket=${m.socket}`, "--user=root"], sql, opts.columnNames);
  }

  /** SQL as the apps' account over TCP with TLS, as an app in Kubernetes connects. */
  asApp(m: Member, sql: string): SqlResult {
    const password = readFileSync(join(this.credentialsDir, "app"), "utf8");
    const cnf = join(m.dir, "app-client.cnf");
    writeFileSync(cnf, `[client]\npassword=${password}\n`, { mode: 0o600 });
    return client(
      [
        `--defaults-extra-file=${cnf}`,
        "--ssl",
        `--ssl-ca=${this.tls.caFile}`,
        "--ssl-verify-server-cert",
        "--host=127.0.0.1",
        `--port=${m.port}`,
        `--user=${this.appUser}`,
        this.database,
      ],
      sql,
    );
  }

  /** Rows in a table as seen by root on a member (undefined while the table does not exist there). */
  count(m: Member, table: string): number | undefined {
    const r = this.root_(m, `SELECT COUNT(*) FROM \`${this.database}\`.\`${table}\``);
    return r.code === 0 ? Number(r.stdout.trim()) : undefined;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.members.map((m) => this.stopServer(m)));
    rmSync(this.root, { recursive: true, force: true });
  }
}

function mkdir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}

function client(args: string[], sql: string, columnNames = false): SqlResult {
  const r = spawnSync(CLIENT, [...args, "--batch", ...(columnNames ? [] : ["--skip-column-names"])], {
    input: sql,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
