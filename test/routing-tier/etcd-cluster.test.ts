/**
 * The etcd configuration the members run, rendered by components/etcd for a 3-member cluster on
 * loopback with certificates made here, starts a REAL mTLS cluster: clients with the client
 * certificate are served, clients without one are refused, and the client certificate cannot
 * pose as a peer.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { get as httpsGet } from "node:https";
import { after, before, describe, test } from "node:test";
import type { PeerSpec } from "../../components/etcd/render/config";
import type { CertFiles } from "../../scripts/lib/pki";
import { startRenderedEtcd, type RenderedEtcd } from "../../scripts/lib/renderedEtcd";

let etcd: RenderedEtcd;
let client: CertFiles;
const etcdctl = (args: string[], tls: { cert?: CertFiles } = {}) => etcd.etcdctl(args, tls.cert);

/** An HTTPS request to a peer listener with a given client certificate; ok when it is served. */
function peerAccepts(peer: PeerSpec, cert: CertFiles): Promise<{ ok: boolean; output: string }> {
  return new Promise((resolve) => {
    const req = httpsGet(
      {
        host: "127.0.0.1",
        port: peer.peerPort,
        path: "/members",
        ca: readFileSync(etcd.ca.cert),
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
    // Authentication stays off here (no bootstrap): this is the transport alone.
    etcd = await startRenderedEtcd();
    client = etcd.certs.deployer;
  });

  after(async () => {
    await etcd?.stop();
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
    const asMember = await peerAccepts(etcd.members[1].peer, etcd.members[0].cert);
    assert.ok(asMember.ok, `member certificate refused by a peer: ${asMember.output}`);
    const asClient = await peerAccepts(etcd.members[1].peer, client);
    assert.ok(!asClient.ok, `client certificate accepted by a peer listener: ${asClient.output}`);
  });

  test("the metrics listener serves metrics and health without a certificate, and no key space", async () => {
    const url = etcd.members[0].metricsUrl;
    const metrics = await fetch(`${url}/metrics`);
    assert.equal(metrics.status, 200);
    assert.match(await metrics.text(), /^etcd_server_has_leader 1$/m);
    assert.equal((await fetch(`${url}/health`)).status, 200);
    for (const path of ["/v3/kv/range", "/v2/keys/switchyard", "/version", "/debug/pprof/"]) {
      const res = await fetch(`${url}${path}`, {
        method: path.startsWith("/v3") ? "POST" : "GET",
        body: path.startsWith("/v3")
          ? JSON.stringify({ key: Buffer.from("/switchyard/test").toString("base64") })
          : undefined,
      });
      assert.equal(res.status, 404, `${path} answered ${res.status} on the metrics listener`);
    }
  });
});
