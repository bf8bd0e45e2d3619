/** A real etcd cluster on loopback (plain HTTP), each member killable and restartable. */
import type { ChildProcess } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import type { Etcd3 } from "etcd3";
import { connectEtcd } from "../../model/etcd/connection";
import { freePort, killPid, spawnLogged, tempDir, waitUntil } from "./procs";
import { makeTlsFiles } from "./tls";
import type { TlsFiles } from "./tls";

export interface EtcdMember {
  readonly name: string;
  readonly clientUrl: string;
  readonly running: boolean;
  /** SIGKILL: the member vanishes as on a crash; its data directory stays. */
  kill(): Promise<void>;
  /** SIGSTOP: the member hangs with its connections open, as a wedged process or host would. */
  pause(): void;
  /** SIGCONT after pause(). */
  resume(): void;
  /** Restarts the member and waits until it serves (which needs a quorum of members running). */
  restart(): Promise<void>;
}

class Member implements EtcdMember {
  private child?: ChildProcess;
  constructor(
    readonly name: string,
    readonly clientUrl: string,
    private readonly args: string[],
    private readonly logFile: string,
    private readonly bin: string,
    private readonly connect: (endpoints: string[]) => Etcd3,
  ) {}

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  spawn(): void {
    this.child = spawnLogged(this.bin, this.args, this.logFile);
  }

  async kill(): Promise<void> {
    if (this.child?.pid !== undefined && this.running) await killPid(this.child.pid, "SIGKILL");
  }

  pause(): void {
    if (this.child?.pid !== undefined && this.running) process.kill(this.child.pid, "SIGSTOP");
  }

  resume(): void {
    if (this.child?.pid !== undefined && this.running) process.kill(this.child.pid, "SIGCONT");
  }

  async restart(): Promise<void> {
    await this.kill();
    this.spawn();
    await this.waitServing();
  }

  async waitServing(): Promise<void> {
    const client = this.connect([this.clientUrl]);
    try {
      await waitUntil(`etcd member ${this.name} to serve`, 20_000, async () =>
        (await client.maintenance.status()) ? true : undefined,
      );
    } finally {
      client.close();
    }
  }
}

export interface EtcdCluster {
  readonly members: EtcdMember[];
  readonly endpoints: string[];
  readonly dir: string;
  /** Set when the cluster requires mTLS from clients: CA and a client certificate to use. */
  readonly tls?: TlsFiles;
  /** A client over all members; closed by stop(). */
  readonly client: Etcd3;
  /** Kills every member at once (etcd entirely down). */
  killAll(): Promise<void>;
  /** Starts every stopped member together (none can serve without a quorum) and waits for writes. */
  restartAll(): Promise<void>;
  stop(): Promise<void>;
}

/** `tls`: clients must use https with a certificate of the generated CA (peers stay plain on loopback). */
export async function startEtcdCluster(
  opts: { members?: number; bin?: string; tls?: boolean } = {},
): Promise<EtcdCluster> {
  const n = opts.members ?? 3;
  // tmpfs when available: the testbed measures the agents, not this machine's fsync latency.
  const dir = tempDir("switchyard-etcd", existsSync("/dev/shm") ? "/dev/shm" : undefined);
  const ports = await Promise.all(
    Array.from({ length: n }, async () => ({ client: await freePort(), peer: await freePort() })),
  );
  const names = ports.map((_, i) => `m${i + 1}`);
  const initialCluster = names.map((name, i) => `${name}=http://127.0.0.1:${ports[i].peer}`).join(",");
  const token = `testbed-${randomBytes(6).toString("hex")}`;
  const tls = opts.tls ? makeTlsFiles(dir) : undefined;
  const scheme = tls ? "https" : "http";
  const connect = (endpoints: string[]) =>
    connectEtcd({
      endpoints,
      caFile: tls?.caFile,
      certFile: tls?.clientCertFile,
      keyFile: tls?.clientKeyFile,
    });
  const members = names.map((name, i) => {
    const clientUrl = `${scheme}://127.0.0.1:${ports[i].client}`;
    const args = [
      `--name=${name}`,
      `--data-dir=${join(dir, name)}`,
      `--listen-client-urls=${clientUrl}`,
      `--advertise-client-urls=${clientUrl}`,
      `--listen-peer-urls=http://127.0.0.1:${ports[i].peer}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${ports[i].peer}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-token=${token}`,
      "--initial-cluster-state=new",
      // Loopback latency is tiny: fail over in well under a second instead of the WAN defaults.
      "--heartbeat-interval=50",
      "--election-timeout=500",
      "--logger=zap",
      "--log-level=warn",
      ...(tls
        ? [
            `--cert-file=${tls.serverCertFile}`,
            `--key-file=${tls.serverKeyFile}`,
            `--trusted-ca-file=${tls.caFile}`,
            "--client-cert-auth",
          ]
        : []),
    ];
    return new Member(name, clientUrl, args, join(dir, `${name}.log`), opts.bin ?? "etcd", connect);
  });
  const endpoints = members.map((m) => m.clientUrl);
  // Before any member runs: a client that cannot be set up (TLS files) must not leave etcd behind.
  const client = connect(endpoints);
  members.forEach((m) => m.spawn());
  const cluster: EtcdCluster = {
    members,
    endpoints,
    dir,
    tls,
    client,
    killAll: async () => {
      await Promise.all(members.map((m) => m.kill()));
    },
    restartAll: async () => {
      members.filter((m) => !m.running).forEach((m) => m.spawn());
      await Promise.all(members.map((m) => m.waitServing()));
    },
    stop: async () => {
      client.close();
      await Promise.all(members.map((m) => m.kill()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await waitUntil(
      "the etcd cluster to accept writes",
      30_000,
      async () => {
        await client.put("/switchyard/testbed-ready").value("1");
        return true;
      },
      100,
    );
    await client.delete().key("/switchyard/testbed-ready");
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return cluster;
}
