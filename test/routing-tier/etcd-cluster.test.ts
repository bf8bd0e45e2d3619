/**
 * The etcd configuration the members run, rendered by components/etcd for a 3-member cluster on
 * loopback with certificates made here, starts a REAL mTLS cluster: clients with the client
 * certificate are served, clients without one are refused, and the client certificate cannot
 * pose as a peer.
 */
import assert from "node:assert/strict";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { renderEtcdEnvironment, type PeerSpec } from "../../components/etcd/render/config";
import { CLIENT_CN, MEMBER_CN } from "../../components/etcd/render/layout";
import { planMembers } from "../../components/etcd/placement";
import { freePort, tempDir } from "./helpers/host";
import { makeCa, makeLeaf, type CertFiles } from "./helpers/pki";

const dir = tempDir("etcd-mtls");
const procs: ChildProcess[] = [];
let ca: CertFiles;
let client: CertFiles;
let member0: CertFiles;
let peers: PeerSpec[];

function readEnvironmentFile(file: string): Record<string, string> {
  return Object.fromEntries(
    readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
  );
}

function etcdctl(args: string[], tls: { cert?: CertFiles } = {}) {
  const endpoints = peers.map((p) => `https://127.0.0.1:${p.clientPort}`).join(",");
  const creds = tls.cert ? [`--cert=${tls.cert.cert}`, `--key=${tls.cert.key}`] : [];
  return spawnSync(
    "etcdctl",
    [
      `--endpoints=${endpoints}`,
      `--cacert=${ca.cert}`,
      ...creds,
      "--dial-timeout=3s",
      "--command-timeout=5s",
      ...args,
    ],
    {
      encoding: "utf8",
      env: { ...process.env, ETCDCTL_API: "3" },
      timeout: 20_000,
    },
  );
}

/** An HTTPS request to a peer listener with a given client certificate; ok when it is served. */
function peerAccepts(peer: PeerSpec, cert: CertFiles): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const req = httpsGet(
      {
        host: "127.0.0.1",
        port: peer.peerPort,
        path: "/members",
        ca: readFileSync(ca.cert),
        cert: readFileSync(cert.cert),
        key: readFileSync(cert.key),
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ ok: res.statusCode === 200, output: `${res.statusCode} ${body}` }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e) => resolve({ ok: false, output: String(e) }));
  });
}

describe("etcd: rendered configuration runs a real 3-member mTLS cluster", { timeout: 120_000 }, () => {
  before(async () => {
    ca = makeCa(dir);
    client = makeLeaf(dir, ca, "client", CLIENT_CN, []);
    const plans = planMembers(3, 3, ["az-a", "az-b", "az-c"], "unused.internal");
    peers = [];
    for (const m of plans)
      peers.push({
        name: m.name,
        host: "127.0.0.1",
        peerPort: await freePort(),
        clientPort: await freePort(),
      });
    const certs = plans.map((m) => makeLeaf(dir, ca, m.name, MEMBER_CN, ["IP:127.0.0.1", "DNS:localhost"]));
    member0 = certs[0];
    plans.forEach((m, i) => {
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
          tls: { caFile: ca.cert, certFile: certs[i].cert, keyFile: certs[i].key },
        }),
      );
      const log = openSync(join(dir, `${m.name}.log`), "a");
      // The member's environment is exactly the rendered file, as systemd's EnvironmentFile loads it.
      procs.push(
        spawn("etcd", [], {
          stdio: ["ignore", log, log],
          env: { PATH: process.env.PATH, ...readEnvironmentFile(file) },
        }),
      );
    });
    const deadline = Date.now() + 45_000;
    for (;;) {
      const health = etcdctl(["endpoint", "health"], { cert: client });
      if (health.status === 0) break;
      if (Date.now() > deadline) {
        const logs = plans
          .map((m) => readFileSync(join(dir, `${m.name}.log`), "utf8").slice(-2000))
          .join("\n---\n");
        throw new Error(`cluster never became healthy: ${health.stderr}\n${logs}`);
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  });

  after(async () => {
    for (const p of procs) p.kill("SIGTERM");
    await Promise.all(
      procs.map(
        (p) =>
          new Promise<void>((resolve) => {
            if (p.exitCode !== null || p.signalCode !== null) return resolve();
            const force = setTimeout(() => p.kill("SIGKILL"), 5000);
            p.once("exit", () => {
              clearTimeout(force);
              resolve();
            });
          }),
      ),
    );
    rmSync(dir, { recursive: true, force: true });
  });

  test("all three members joined one cluster", () => {
    const list = etcdctl(["member", "list", "--write-out=json"], { cert: client });
    assert.equal(list.status, 0, list.stderr);
    const members = (JSON.parse(list.stdout) as { members: { name: string }[] }).members
      .map((m) => m.name)
      .sort();
    assert.deepEqual(members, ["etcd-0", "etcd-1", "etcd-2"]);
  });

  test("a client with the client certificate writes and reads", () => {
    const put = etcdctl(["put", "/switchyard/test", "hello"], { cert: client });
    assert.equal(put.status, 0, put.stderr);
    const get = etcdctl(["get", "/switchyard/test", "--print-value-only"], { cert: client });
    assert.equal(get.status, 0, get.stderr);
    assert.equal(get.stdout.trim(), "hello");
  });

  test("a client without a certificate is refused", () => {
    const get = etcdctl(["get", "/switchyard/test"]);
    assert.notEqual(get.status, 0, `expected a refusal, got: ${get.stdout}`);
    assert.doesNotMatch(get.stdout, /hello/);
  });

  test("peers accept member certificates only: the client certificate cannot join raft", async () => {
    const asMember = await peerAccepts(peers[1], member0);
    assert.ok(asMember.ok, `member certificate refused by a peer: ${asMember.output}`);
    const asClient = await peerAccepts(peers[1], client);
    assert.ok(!asClient.ok, `client certificate accepted by a peer listener: ${asClient.output}`);
  });
});
