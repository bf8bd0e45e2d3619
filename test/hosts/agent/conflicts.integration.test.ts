// Records that conflict with a live route, or break it, against real agents under load: the live
// host keeps serving (0 failed requests) and every agent reports the newcomer.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { routeKey, serializeRoute } from "../../../model/etcd/schema";
import type { AgentStatus, Route } from "../../../model/etcd/schema";
import { Testbed, sleep } from "../../../hosts/testbed";

let bed: Testbed;
const HOST = "shop.example.com";
const PREVIEW = "preview.shop.example.com";
let shop: Route;

before(async () => {
  bed = await Testbed.start({ agents: 2 });
  shop = (await bed.deployApp({ app: "shop", host: HOST, previewHost: PREVIEW })).route;
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("shop", "green", (n) => n === 1);
  await bed.waitForColour(PREVIEW, "green");
});

after(async () => {
  await bed?.stop();
});

const rejection = (s: AgentStatus, key: string) => s.rejected.find((r) => r.key === key)?.reason;

/** Writes `value` at `key` under load; every agent must report it rejected while HOST keeps serving. */
async function underLoad(key: string, value: string, reason: RegExp): Promise<AgentStatus[]> {
  const load = bed.startLoad([HOST, PREVIEW], 8);
  await sleep(300);
  await bed.etcd.client.put(key).value(value);
  const statuses = await bed.waitForStatus(
    `every agent rejects ${key}`,
    (s) => rejection(s, key) !== undefined,
  );
  for (const s of statuses) {
    assert.match(rejection(s, key)!, reason, s.agentId);
    assert.equal(s.routes[HOST]?.state, "live", s.agentId);
  }
  // Keep the load on for a while after the write: a late eviction would show up here.
  await sleep(1000);
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.ok(result.byColour.blue > 100 && result.byColour.green > 100, JSON.stringify(result.byColour));
  assert.deepEqual(await bed.colours(HOST), ["blue", "blue"]);
  assert.deepEqual(await bed.colours(PREVIEW), ["green", "green"]);
  return statuses;
}

test("a valid route claiming a live route's preview host is rejected; the live route keeps serving", async () => {
  const key = routeKey(PREVIEW);
  await underLoad(
    key,
    serializeRoute({ ...shop, host: PREVIEW, app: "intruder", previewHost: undefined }),
    /^host preview\.shop\.example\.com is already the previewHost of route shop\.example\.com; the older record keeps it$/,
  );
  await bed.etcd.client.delete().key(key);
  await bed.waitForStatus("report cleared", (s) => s.rejected.length === 0);
});

test("a route for an app already routed, sorting first, is rejected; the live route keeps serving", async () => {
  const key = routeKey("aaa.example.com");
  const other = { ...shop.backends.blue, port: 1 };
  await underLoad(
    key,
    serializeRoute({
      ...shop,
      host: "aaa.example.com",
      previewHost: undefined,
      backends: { ...shop.backends, blue: other },
    }),
    /^app shop is already routed by shop\.example\.com with different backends; the older record keeps it$/,
  );
  await bed.etcd.client.delete().key(key);
  await bed.waitForStatus("report cleared", (s) => s.rejected.length === 0);
});

test("a malformed update of a live route keeps its last accepted value serving and reports it", async () => {
  const key = routeKey(HOST);
  const statuses = await underLoad(key, '{"host":', /^bad-json: /);
  for (const s of statuses) {
    assert.match(
      s.routes[HOST].reason!,
      /^serving the last accepted value \(revision \d+\); revision \d+ was rejected: bad-json/,
    );
  }
  // An agent restarted meanwhile still has the last accepted value (its state directory).
  const load = bed.startLoad([HOST], 8);
  await bed.agents[0].restart();
  const [restarted] = await bed.waitForStatus(
    "restarted agent reports",
    (s) => rejection(s, key) !== undefined,
  );
  await sleep(500);
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.resets, 0);
  assert.equal(restarted.routes[HOST]?.state, "live");
  assert.deepEqual(await bed.colours(HOST), ["blue", "blue"]);
  // The next good value replaces it on every agent.
  await bed.writeRoute({ ...shop, liveColour: "green" });
  await bed.waitForColour(HOST, "green");
  await bed.waitForStatus("report cleared", (s) => s.rejected.length === 0 && !s.routes[HOST].reason);
  await bed.writeRoute(shop);
  await bed.waitForColour(HOST, "blue");
});
