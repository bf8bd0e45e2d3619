/**
 * A real 3-member etcd cluster on loopback started from exactly what components/etcd renders for
 * the hosts: each member's environment is the rendered EnvironmentFile (as systemd loads it), its
 * certificates come from a throwaway CA shaped like the stack's, every identity of
 * components/etcd/access.ts gets a client certificate with its CN, and the members' boot scripts
 * (role bootstrap) are the rendered ones with loopback paths. Every process is tracked and killed.
 */
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { ChildProcess } from "node:child_process";
import { etcdIdentities, type EtcdIdentity } from "../../components/etcd/access";
import { planMembers } from "../../components/etcd/placement";
import { renderEtcdEnvironment, type PeerSpec } from "../../components/etcd/render/config";
import { MEMBER_CN } from "../../components/etcd/render/layout";
import { renderAuthBootstrapScript, type LocalClient } from "../../components/etcd/render/scripts";
import { freePort, killPid, spawnLogged, tempDir, waitUntil } from "../../hosts/testbed/procs";
import { makeCa, makeLeaf, type CertFiles } from "./pki";

export interface RenderedMember {
  name: string;
  peer: PeerSpec;
  clientUrl: string;
  metricsUrl: string;
  cert: CertFiles;
  logFile: string;
}

export interface RenderedEtcd {
  dir: string;
  ca: CertFiles;
  members: RenderedMember[];
  endpoints: string[];
  /** Client certificate per identity id (components/etcd/access.ts). */
  certs: Record<string, CertFiles>;
  /** etcdctl as `cert` (none: no client certificate), against `endpoints` (default: every member). */
  etcdctl(
    args: string[],
    cert?: CertFiles,
    endpoints?: string[],
  ): { status: number; stdout: string; stderr: string };
  /** Runs the rendered role bootstrap on every member at once, as their boot does. */
  bootstrapAuth(): Promise<{ status: number; output: string }[]>;
  logs(): string;
  stop(): Promise<void>;
}

function readEnvironmentFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

function run(
  cmd: string,
  args: string[],
  env?: NodeJS.ProcessEnv,
): Promise<{ status: number; output: string }> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (d) => (output += d));
    child.stderr?.on("data", (d) => (output += d));
    child.on("exit", (code) => resolve({ status: code ?? -1, output }));
  });
}

export async function startRenderedEtcd(
  opts: {
    identities?: readonly EtcdIdentity[];
    /** More client certificates, id -> CN, for CNs that are no identity (no etcd user). */
    extraClients?: Record<string, string>;
  } = {},
): Promise<RenderedEtcd> {
  const identities = opts.identities ?? etcdIdentities();
  const dir = tempDir("switchyard-etcd-rendered");
  const ca = makeCa(dir);
  const cns: [string, string][] = [
    ...identities.map((i): [string, string] => [i.id, i.user]),
    ...Object.entries(opts.extraClients ?? {}),
  ];
  const certs = Object.fromEntries(cns.map(([id, cn]) => [id, makeLeaf(dir, ca, id, cn, [])]));
  const plans = planMembers(3, 3, ["az-a", "az-b", "az-c"], "unused.internal");
  const peers: PeerSpec[] = [];
  for (const m of plans) {
    peers.push({ name: m.name, host: "127.0.0.1", peerPort: await freePort(), clientPort: await freePort() });
  }
  const members: RenderedMember[] = [];
  const pids: number[] = [];
  for (const [i, m] of plans.entries()) {
    const cert = makeLeaf(dir, ca, m.name, MEMBER_CN, ["IP:127.0.0.1", "DNS:localhost"]);
    const metricsUrl = `http://127.0.0.1:${await freePort()}`;
    const file = join(dir, `${m.name}.env`);
    writeFileSync(
      file,
      renderEtcdEnvironment({
        self: peers[i],
        initialCluster: m.initialCluster.map((n) => peers.find((p) => p.name === n)!),
        clusterState: m.clusterState,
        clusterToken: "switchyard-test",
        listenAddress: "127.0.0.1",
        dataDir: join(dir, `${m.name}.data`),
        tls: { caFile: ca.cert, certFile: cert.cert, keyFile: cert.key },
        metricsUrl,
      }),
    );
    const logFile = join(dir, `${m.name}.log`);
    // The member's environment is exactly the rendered file, as systemd's EnvironmentFile loads it.
    const child = spawnLogged("etcd", [], logFile, {
      env: { PATH: process.env.PATH, ...readEnvironmentFile(file) },
    });
    if (child.pid !== undefined) pids.push(child.pid);
    members.push({
      name: m.name,
      peer: peers[i],
      clientUrl: `https://127.0.0.1:${peers[i].clientPort}`,
      metricsUrl,
      cert,
      logFile,
    });
  }
  const endpoints = members.map((m) => m.clientUrl);
  const etcdctl = (args: string[], cert?: CertFiles, only = endpoints) => {
    const creds = cert ? [`--cert=${cert.cert}`, `--key=${cert.key}`] : [];
    const r = spawnSync(
      "etcdctl",
      [
        `--endpoints=${only.join(",")}`,
        `--cacert=${ca.cert}`,
        ...creds,
        "--dial-timeout=3s",
        "--command-timeout=10s",
        ...args,
      ],
      { encoding: "utf8", env: { ...process.env, ETCDCTL_API: "3" }, timeout: 30_000 },
    ) as { status: number | null; stdout: string; stderr: string };
    return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const logs = () =>
    members.map((m) => `${m.name}:\n${readFileSync(m.logFile, "utf8").slice(-3000)}`).join("\n---\n");
  const cluster: RenderedEtcd = {
    dir,
    ca,
    members,
    endpoints,
    certs,
    etcdctl,
    logs,
    bootstrapAuth: async () => {
      const backup = identities.find((i) => i.role === "root");
      if (!backup) throw new Error("no identity with the root role to run the bootstrap as");
      return Promise.all(
        members.map((m) => {
          const client: LocalClient = {
            etcdctl: "etcdctl",
            endpoint: m.clientUrl,
            caFile: ca.cert,
            certFile: certs[backup.id].cert,
            keyFile: certs[backup.id].key,
          };
          const script = join(dir, `${m.name}-auth-bootstrap.sh`);
          writeFileSync(script, renderAuthBootstrapScript(identities, client), { mode: 0o755 });
          return run("bash", [script], { PATH: process.env.PATH });
        }),
      );
    },
    stop: async () => {
      await Promise.all(pids.map((pid) => killPid(pid, "SIGTERM")));
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    const anyCert = certs[identities[0].id];
    await waitUntil(
      "the rendered etcd cluster to be healthy",
      45_000,
      async () => (etcdctl(["endpoint", "health"], anyCert).status === 0 ? true : undefined),
      300,
    );
  } catch (e) {
    const message = `${(e as Error).message}\n${logs()}`;
    await cluster.stop();
    throw new Error(message);
  }
  return cluster;
}
