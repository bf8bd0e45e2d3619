/**
 * The Route's operations where test/apps/operations.test.ts does not go: etcd with mutual TLS, the
 * smoke check's answers (2xx/3xx pass, anything else refuses the flip), a route deleted outside
 * the stack. The agents' view is one status record written by hand: enough for the gate, never a
 * confirmation, which is what these cases need.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, afterEach, before, describe, it } from "node:test";
import {
  agentStatusKey,
  agentStatusPrefix,
  routeKey,
  routesPrefix,
  serializeAgentStatus,
  serializeRoute,
} from "../../model/etcd/schema";
import { startEtcdCluster } from "../../hosts/testbed";
import type { EtcdCluster } from "../../hosts/testbed";
import {
  create,
  remove,
  routeRecord,
  update,
  type RouteInputs,
} from "../../components/apps/route/operations";

const HOST = "tls.example.test";
let etcd: EtcdCluster;
let smoke: Server;
let smokeAnswer = 200;
const smokeSeen: { host?: string; url?: string }[] = [];

function inputs(live: "blue" | "green", extra: Partial<RouteInputs> = {}): RouteInputs {
  const tls = etcd.tls!;
  return {
    host: HOST,
    app: "tls",
    live,
    backends: {
      blue: { port: 8080, healthCheckPath: "/health" },
      green: { port: 8081, healthCheckPath: "/ready" },
    },
    minHealthy: 1,
    previewHost: `preview.${HOST}`,
    etcd: {
      endpoints: etcd.endpoints,
      ca: readFileSync(tls.caFile, "utf8"),
      cert: readFileSync(tls.clientCertFile, "utf8"),
      key: readFileSync(tls.clientKeyFile, "utf8"),
    },
    gate: { healthTimeoutMs: 2000, verifyTimeoutMs: 200, pollMs: 20, smokeCheckUrls: [] },
    ...extra,
  };
}

/** One agent whose status says both colours are healthy and that has applied nothing. */
async function healthyAgent(): Promise<void> {
  const status = {
    agentId: "agent-1",
    appliedRevision: 1,
    updatedAt: new Date().toISOString(),
    routes: {},
    backends: { "tls/blue": { up: 1, total: 1 }, "tls/green": { up: 1, total: 1 } },
    rejected: [],
  };
  await etcd.client.put(agentStatusKey("agent-1")).value(serializeAgentStatus(status));
}

describe("Route operations: mTLS, smoke answers, deletion outside the stack", { timeout: 120_000 }, () => {
  before(async () => {
    etcd = await startEtcdCluster({ members: 1, tls: true });
    smoke = createServer((req, res) => {
      smokeSeen.push({ host: req.headers.host, url: req.url });
      res.writeHead(smokeAnswer).end();
    });
    await new Promise<void>((r) => smoke.listen(0, "127.0.0.1", r));
  });
  after(async () => {
    await new Promise((r) => smoke?.close(r));
    await etcd?.stop();
  });
  afterEach(async () => {
    await etcd.client.delete().prefix(routesPrefix);
    await etcd.client.delete().prefix(agentStatusPrefix);
    smokeSeen.length = 0;
  });

  it("creates and deletes the record over mutual TLS, and fails without a client certificate", async () => {
    const { outs } = await create(inputs("blue"));
    const kv = (await etcd.client.get(routeKey(HOST)).exec()).kvs[0];
    assert.equal(Number(kv.mod_revision), outs.modRevision);
    await remove(outs.key, outs);
    assert.equal((await etcd.client.get(routeKey(HOST)).exec()).kvs.length, 0);
    const anonymous = inputs("blue");
    await assert.rejects(
      create({ ...anonymous, etcd: { ...anonymous.etcd, cert: undefined, key: undefined } }),
    );
  });

  it("the smoke check asks the preview host for the target's health path and refuses on an error answer", async () => {
    const { outs } = await create(inputs("blue"));
    await healthyAgent();
    const url = `http://127.0.0.1:${(smoke.address() as AddressInfo).port}`;
    const gate = { ...inputs("green").gate, smokeCheckUrls: [url] };
    smokeAnswer = 503;
    await assert.rejects(update(outs.key, outs, inputs("green", { gate })), (e: Error) => {
      assert.match(e.message, /^refused to flip tls\.example\.test from blue to green; blue stays live/);
      assert.ok(e.message.includes(`smoke check preview.${HOST}/ready via ${url} answered 503`), e.message);
      return true;
    });
    assert.deepEqual(smokeSeen, [{ host: `preview.${HOST}`, url: "/ready" }]);
    // A redirect passes the smoke check: the flip goes on to be written (and, with no agent
    // confirming it, is reverted).
    smokeAnswer = 302;
    await assert.rejects(
      update(outs.key, outs, inputs("green", { gate })),
      /was not confirmed by every agent/,
    );
    assert.equal(smokeSeen.length, 2);
    // The bounds: 200 and 399 pass, 400 refuses.
    for (const [answer, outcome] of [
      [200, /was not confirmed by every agent/],
      [399, /was not confirmed by every agent/],
      [400, /answered 400/],
    ] as const) {
      smokeAnswer = answer;
      await assert.rejects(update(outs.key, outs, inputs("green", { gate })), outcome, String(answer));
    }
  });

  it("refuses, before writing, a record that takes another route's host; ignores broken records", async () => {
    const other = routeRecord({
      ...inputs("blue"),
      host: "other.example.test",
      app: "other",
      previewHost: HOST,
    });
    await etcd.client.put(routeKey("other.example.test")).value(serializeRoute(other));
    await etcd.client.put(routeKey("broken.example.test")).value("{oops");
    await assert.rejects(create(inputs("blue")), (e: Error) => {
      assert.match(
        e.message,
        /^route tls\.example\.test conflicts with a route already in etcd; nothing was written/,
      );
      assert.match(
        e.message,
        /host tls\.example\.test is already the previewHost of route other\.example\.test/,
      );
      return true;
    });
    assert.equal((await etcd.client.get(routeKey(HOST)).exec()).kvs.length, 0, "nothing was written");
    // Without the claim, the broken record does not stand in the way, and the route's own record
    // is not a conflict with itself on update.
    await etcd.client.delete().key(routeKey("other.example.test"));
    const { outs } = await create(inputs("blue"));
    const res = await update(outs.key, outs, inputs("blue", { minHealthy: 2 }));
    assert.ok(res.outs.modRevision > outs.modRevision);
  });

  it("an update of a route deleted outside the stack is refused, not recreated", async () => {
    const { outs } = await create(inputs("blue"));
    await etcd.client.delete().key(routeKey(HOST));
    await assert.rejects(update(outs.key, outs, inputs("blue", { minHealthy: 2 })), (e: Error) => {
      assert.ok(
        e.message.startsWith(
          `route ${routeKey(HOST)} was deleted outside the stack (expected mod revision ${outs.modRevision}); not recreating it.`,
        ),
        e.message,
      );
      return true;
    });
    assert.equal((await etcd.client.get(routeKey(HOST)).exec()).kvs.length, 0);
  });
});
