// The agent's desired state (hosts/agent/desired.ts) as every agent must compute it alike: the same
// order whatever order etcd delivered the records in, conflicts settled by age then key, and the
// reasons an operator reads for what was refused.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DEFAULTS } from "../../../hosts/agent/config";
import {
  buildDesired,
  parseAccepted,
  parseRecord,
  serializeAccepted,
  type EtcdRecord,
} from "../../../hosts/agent/desired";
import { RouteClaims } from "../../../model/etcd/claims";
import {
  agentStatusKey,
  memberKey,
  routeKey,
  serializeMember,
  serializeRoute,
} from "../../../model/etcd/schema";
import type { Route } from "../../../model/etcd/schema";

const hc = { path: "/health", intervalMs: 1000, rise: 2, fall: 2 };
const route = (host: string, app: string): Route => ({
  host,
  app,
  liveColour: "blue",
  backends: { blue: { port: 8080, healthCheck: hc }, green: { port: 8081, healthCheck: hc } },
  minHealthy: 1,
});
const PRIVATE = { memberCidrs: DEFAULTS.memberCidrs };

/** Records as etcd delivers them: [key, value, createRevision]; modRevision = createRevision. */
function records(entries: [string, string, number][]): Map<string, EtcdRecord> {
  return new Map(entries.map(([k, v, rev]) => [k, parseRecord(k, v, rev)]));
}

test("an agent status key in the routing space is reported, not routed", () => {
  assert.deepEqual(parseRecord(agentStatusKey("lb-1"), "{}", 7), {
    kind: "invalid",
    modRevision: 7,
    createRevision: 7,
    reason: "agent status keys are not routing records",
  });
});

test("an unparseable member range is a configuration error naming the range", () => {
  assert.throws(
    () => buildDesired(new Map(), { memberCidrs: ["10.0.0.0/8", "10.0.0.0/33"] }),
    /^Error: invalid member CIDR "10\.0\.0\.0\/33"$/,
  );
});

test("routes, endpoints and rejections come out in one order whatever order the records arrive in", () => {
  const entries: [string, string, number][] = [
    // b was created first, a later: admitted oldest first, listed by host.
    [routeKey("b.example.com"), serializeRoute(route("b.example.com", "blog")), 1],
    [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop")), 2],
    [memberKey("shop", "blue", "pod-2"), serializeMember({ address: "10.0.0.10", port: 8080 }), 3],
    [memberKey("shop", "blue", "pod-1"), serializeMember({ address: "10.0.0.9", port: 8080 }), 4],
    [memberKey("shop", "blue", "pod-3"), serializeMember({ address: "10.0.0.9", port: 8080 }), 5],
    [routeKey("z.example.com"), "{not json", 6],
    [memberKey("shop", "green", "bad"), "[]", 7],
    [routeKey("c.example.com"), serializeRoute({ ...route("c.example.com", "x"), host: "d.example.com" }), 8],
  ];
  const forward = buildDesired(records(entries), PRIVATE);
  const backward = buildDesired(records([...entries].reverse()), PRIVATE);
  for (const d of [forward, backward]) {
    assert.deepEqual(
      d.routes.map((r) => r.route.host),
      ["a.example.com", "b.example.com"],
    );
    // De-duplicated by address:port, sorted by it.
    assert.deepEqual(d.endpoints.get("be_shop_blue"), [
      { address: "10.0.0.10", port: 8080 },
      { address: "10.0.0.9", port: 8080 },
    ]);
    assert.deepEqual(
      d.rejected.map((r) => r.key),
      [memberKey("shop", "green", "bad"), routeKey("c.example.com"), routeKey("z.example.com")],
    );
  }
  assert.deepEqual(forward.rejected, backward.rejected);
});

test("two records created in the same revision: the smaller key keeps the host, on every agent", () => {
  // www's preview host is shop's host: whichever is admitted first keeps it.
  const entries: [string, string, number][] = [
    [
      routeKey("www.example.com"),
      serializeRoute({ ...route("www.example.com", "web"), previewHost: "shop.example.com" }),
      5,
    ],
    [routeKey("shop.example.com"), serializeRoute(route("shop.example.com", "shop")), 5],
  ];
  for (const order of [entries, [...entries].reverse()]) {
    const d = buildDesired(records(order), PRIVATE);
    assert.deepEqual(
      d.routes.map((r) => r.route.host),
      ["shop.example.com"],
    );
    assert.deepEqual(d.rejected, [
      {
        key: routeKey("www.example.com"),
        reason: "previewHost shop.example.com is already routed as a host; the older record keeps it",
      },
    ]);
  }
});

test("the note on a route serving its last accepted value is at most 1024 characters", () => {
  const key = routeKey("a.example.com");
  const good = buildDesired(records([[key, serializeRoute(route("a.example.com", "shop")), 1]]), PRIVATE);
  // Every unknown field is named in the rejection: hundreds of them make a long reason.
  const unknown = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`field${i}`, 0]));
  const longError = JSON.stringify({ ...route("a.example.com", "shop"), ...unknown });
  const bad = new Map([[key, parseRecord(key, longError, 2, 1)]]);
  const d = buildDesired(bad, PRIVATE, good.accepted);
  assert.equal(d.routes.length, 1);
  const note = d.routes[0].note!;
  assert.match(note, /^serving the last accepted value \(revision 1\); revision 2 was rejected: /);
  assert.ok(d.rejected[0].reason.length > 1024, "the rejection itself is not cut");
  assert.equal(note.length, 1024);
});

test("claims: one app may serve several hosts with the same backends; a different set names the oldest host", () => {
  const claims = new RouteClaims();
  const apex = route("example.com", "shop");
  const www = route("www.example.com", "shop");
  assert.equal(claims.conflict(apex), undefined);
  claims.add(apex);
  assert.equal(claims.conflict(www), undefined);
  claims.add(www);
  const moved = {
    ...route("shop.example.com", "shop"),
    backends: { ...apex.backends, green: { port: 9999, healthCheck: hc } },
  };
  assert.equal(claims.conflict(moved), "app shop is already routed by example.com with different backends");
});

test("a member outside the allowed ranges is rejected naming every range", () => {
  const d = buildDesired(
    records([
      [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop")), 1],
      [memberKey("shop", "blue", "out"), serializeMember({ address: "8.8.8.8", port: 80 }), 2],
    ]),
    { memberCidrs: ["10.0.0.0/8", "172.16.0.0/12"] },
  );
  assert.deepEqual(d.rejected, [
    {
      key: memberKey("shop", "blue", "out"),
      reason: "invalid: member address 8.8.8.8 is outside the allowed ranges (10.0.0.0/8, 172.16.0.0/12)",
    },
  ]);
});

test("saved accepted values: only well-formed route entries survive a restart", () => {
  const key = routeKey("a.example.com");
  const good = { route: route("a.example.com", "shop"), modRevision: 4, createRevision: 2 };
  assert.deepEqual([...parseAccepted(serializeAccepted(new Map([[key, good]])))], [[key, good]]);
  for (const text of ["{not json", "{}", "null"]) assert.equal(parseAccepted(text).size, 0, text);
  const other = routeKey("c.example.com");
  const cGood = { ...good, route: route("c.example.com", "shop") };
  const entries = [
    "not an entry",
    [7, good],
    [memberKey("shop", "blue", "m"), good],
    ["/elsewhere/a", good],
    [other, { ...cGood, modRevision: "4" }],
    [other, { ...cGood, createRevision: undefined }],
    [other, null],
    [routeKey("b.example.com"), good], // the value names another host than its key
    [key, good],
  ];
  assert.deepEqual([...parseAccepted(JSON.stringify(entries))], [[key, good]]);
});
