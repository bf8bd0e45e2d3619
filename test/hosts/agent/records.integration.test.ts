// Hostile and broken etcd records against real agents: rejected, reported, and harmless to the rest.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { haproxyPaths } from "../../../model/haproxy";
import { memberKey, routeKey, routesPrefix, serializeRoute } from "../../../model/etcd/schema";
import { Testbed } from "../../../hosts/testbed";

let bed: Testbed;
const HOST = "good.example.com";

before(async () => {
  bed = await Testbed.start({ agents: 2 });
  await bed.deployApp({ app: "good", host: HOST });
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("good", "green", (n) => n === 1);
});

after(async () => {
  await bed?.stop();
});

test("malicious and malformed records are rejected and reported while other routes keep working", async () => {
  const good = await bed.readRoute(HOST);
  const put = (key: string, value: string) => bed.etcd.client.put(key).value(value);
  const evil: Record<string, string> = {
    [`${routesPrefix}evil.example.com\n  server pwn 10.6.6.6:80`]: serializeRoute({
      ...good,
      host: "evil.example.com",
    }),
    [`${routesPrefix}brace}.example.com`]: serializeRoute({ ...good, host: "brace.example.com" }),
    [routeKey("inject.example.com")]: JSON.stringify({
      ...good,
      host: "inject.example.com",
      app: "x\n  server pwn 10.6.6.6:80",
    }),
    [routeKey("json.example.com")]: '{"host": "json.example.com", ',
    [routeKey("huge.example.com")]: JSON.stringify({
      ...good,
      host: "huge.example.com",
      pad: "x".repeat(200_000),
    }),
    [routeKey("space.example.com")]: JSON.stringify({
      ...good,
      host: "space.example.com",
      previewHost: "a b.example.com",
    }),
    [memberKey("good", "blue", "pwn")]: '{"address":"10.0.0.1\\n  server pwn 10.6.6.6:80"}',
  };
  const load = bed.startLoad([HOST], 8);
  for (const [k, v] of Object.entries(evil)) await put(k, v);
  const statuses = await bed.waitForStatus(
    "all bad records reported",
    (s) => s.rejected.length === Object.keys(evil).length,
  );
  for (const s of statuses) {
    const reasons = new Map(s.rejected.map((r) => [r.key, r.reason]));
    assert.match(reasons.get(routeKey("json.example.com"))!, /^bad-json/);
    assert.match(reasons.get(routeKey("huge.example.com"))!, /^too-large/);
    assert.match(reasons.get(routeKey("inject.example.com"))!, /^invalid: app/);
    assert.match(reasons.get(routeKey("space.example.com"))!, /^invalid: previewHost/);
    assert.match(reasons.get(`${routesPrefix}brace}.example.com`)!, /invalid host/);
    assert.match(reasons.get(memberKey("good", "blue", "pwn"))!, /IPv4/);
    assert.deepEqual(Object.keys(s.routes), [HOST]);
  }
  // The good route still flips, and nothing hostile reached HAProxy's files.
  await bed.setLiveColour(HOST, "green");
  await bed.waitForColour(HOST, "green");
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  for (const a of bed.agents) {
    const paths = haproxyPaths(join(a.dir, "state"));
    const files = readFileSync(paths.config, "utf8") + readFileSync(paths.map, "utf8");
    assert.doesNotMatch(files, /pwn|10\.6\.6\.6|evil|brace|inject/);
    assert.match(await a.metrics(), /^switchyard_agent_rejected_records 7$/m);
  }
  // Fixing a record brings it in; deleting the rest clears the report.
  await put(
    routeKey("json.example.com"),
    serializeRoute({ ...good, host: "json.example.com", liveColour: "green" }),
  );
  await bed.waitForColour("json.example.com", "green");
  for (const k of Object.keys(evil).filter((k) => k !== routeKey("json.example.com"))) {
    await bed.etcd.client.delete().key(k);
  }
  await bed.waitForStatus("report cleared", (s) => s.rejected.length === 0);
});
