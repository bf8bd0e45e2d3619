import { test } from "node:test";
import assert from "node:assert/strict";
import {
  agentStatusKey,
  memberKey,
  parseAgentStatus,
  parseKey,
  parseMember,
  parseRoute,
  routeKey,
  serializeAgentStatus,
  serializeMember,
  serializeRoute,
} from "../../../model/etcd/schema";
import type { Route } from "../../../model/etcd/schema";

const hc = { path: "/health", intervalMs: 2000, rise: 2, fall: 2 };
const route: Route = {
  host: "shop.example.com",
  app: "shop",
  liveColour: "blue",
  backends: { blue: { port: 30080, healthCheck: hc }, green: { port: 30081, healthCheck: hc } },
  minHealthy: 2,
  previewHost: "preview.shop.example.com",
};

test("key builders produce the v1 layout and refuse unsafe parts", () => {
  assert.equal(routeKey("shop.example.com"), "/switchyard/v1/routes/shop.example.com");
  assert.equal(memberKey("shop", "green", "node-1"), "/switchyard/v1/members/shop/green/node-1");
  assert.equal(agentStatusKey("lb-1"), "/switchyard/v1/agents/lb-1");
  assert.throws(() => routeKey("evil.com\nbackend x"), /invalid host/);
  assert.throws(() => memberKey("shop", "green", "a/b"), /invalid member id/);
});

test("parseKey classifies keys and rejects malformed ones", () => {
  assert.deepEqual(parseKey("/switchyard/v1/routes/a.example.com"), {
    ok: true,
    value: { kind: "route", host: "a.example.com" },
  });
  assert.deepEqual(parseKey("/switchyard/v1/members/shop/blue/n1"), {
    ok: true,
    value: { kind: "member", app: "shop", colour: "blue", id: "n1" },
  });
  for (const bad of [
    "/switchyard/v1/routes/a}.example.com",
    "/switchyard/v1/routes/a example.com",
    "/switchyard/v1/members/shop/red/n1",
    "/switchyard/v1/members/shop/blue",
    "/switchyard/v2/routes/a.example.com",
  ]) {
    const r = parseKey(bad);
    assert.equal(r.ok, false, bad);
    if (!r.ok) assert.equal(r.error.code, "bad-key");
  }
});

test("a valid route round-trips and gets defaults filled in", () => {
  const parsed = parseRoute(serializeRoute(route), route.host);
  assert.deepEqual(parsed, { ok: true, value: route });
  const minimal = parseRoute(
    JSON.stringify({
      ...route,
      minHealthy: undefined,
      backends: {
        blue: { port: 1, healthCheck: { path: "/" } },
        green: { port: 2, healthCheck: { path: "/" } },
      },
    }),
  );
  assert.ok(minimal.ok);
  if (minimal.ok) {
    assert.equal(minimal.value.minHealthy, 1);
    assert.deepEqual(minimal.value.backends.blue.healthCheck, {
      path: "/",
      intervalMs: 2000,
      rise: 2,
      fall: 2,
    });
  }
});

test("routes that could inject into haproxy.cfg or are malformed are rejected with typed errors", () => {
  const cases: [string, string | Buffer, string][] = [
    ["newline in host", JSON.stringify({ ...route, host: "a.com\n  server x 1.2.3.4:80" }), "invalid"],
    ["brace in host", JSON.stringify({ ...route, host: "a}.com" }), "invalid"],
    [
      "space in health path",
      JSON.stringify({
        ...route,
        backends: { ...route.backends, blue: { port: 1, healthCheck: { path: "/a b" } } },
      }),
      "invalid",
    ],
    ["unknown colour", JSON.stringify({ ...route, liveColour: "red" }), "invalid"],
    [
      "port out of range",
      JSON.stringify({ ...route, backends: { ...route.backends, green: { port: 70000, healthCheck: hc } } }),
      "invalid",
    ],
    ["unknown field", JSON.stringify({ ...route, extra: 1 }), "invalid"],
    ["preview equals host", JSON.stringify({ ...route, previewHost: route.host }), "invalid"],
    ["bad json", "{not json", "bad-json"],
    ["huge value", JSON.stringify({ ...route, app: "a".repeat(10_000) }), "too-large"],
  ];
  for (const [name, raw, code] of cases) {
    const r = parseRoute(raw);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.equal(r.error.code, code, name);
  }
  const other = parseRoute(serializeRoute(route), "other.example.com");
  assert.equal(other.ok, false);
  assert.throws(() => serializeRoute({ ...route, app: "Bad_App" }), /refusing to serialize/);
});

test("serializeRoute accepts a route with defaults left out", () => {
  const raw = serializeRoute({
    host: "a.example.com",
    app: "a",
    liveColour: "green",
    backends: {
      blue: { port: 1, healthCheck: { path: "/h" } },
      green: { port: 2, healthCheck: { path: "/h" } },
    },
  });
  assert.deepEqual(JSON.parse(raw).backends.green.healthCheck, {
    path: "/h",
    intervalMs: 2000,
    rise: 2,
    fall: 2,
  });
  assert.equal(JSON.parse(raw).minHealthy, 1);
});

test("members need an IPv4 address and an optional valid port", () => {
  assert.deepEqual(parseMember(serializeMember({ address: "10.0.1.7", port: 30080 })), {
    ok: true,
    value: { address: "10.0.1.7", port: 30080 },
  });
  for (const bad of [
    '{"address":"10.0.1.7 backup"}',
    '{"address":"example.com"}',
    '{"address":"10.0.0.1","port":0}',
    "[]",
  ]) {
    assert.equal(parseMember(bad).ok, false, bad);
  }
});

test("agent status round-trips", () => {
  const status = {
    agentId: "lb-1",
    appliedRevision: 42,
    updatedAt: "2026-01-01T00:00:00.000Z",
    routes: {
      "shop.example.com": {
        desiredColour: "green" as const,
        liveColour: "blue" as const,
        state: "refused" as const,
        reason: "0 of 2 UP",
        modRevision: 41,
      },
    },
    backends: { "shop/blue": { up: 2, total: 2 } },
    rejected: [{ key: "/switchyard/v1/routes/x", reason: "bad-json: ..." }],
  };
  assert.deepEqual(parseAgentStatus(serializeAgentStatus(status)), { ok: true, value: status });
  assert.equal(parseAgentStatus('{"agentId":"lb-1"}').ok, false);
});
