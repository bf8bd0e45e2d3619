import { test } from "node:test";
import assert from "node:assert/strict";
import {
  MAX_MEMBER_BYTES,
  MAX_ROUTE_BYTES,
  agentStatusKey,
  memberKey,
  memberPrefix,
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

// What an operator reads in an agent's `rejected` list: the field path and the rule it broke.
test("rejections name the field and the rule; key errors name the expected layout", () => {
  const error = (r: { ok: boolean; error?: { code: string; message: string } }) =>
    r.ok ? "accepted" : `${r.error!.code}: ${r.error!.message}`;
  const withBlue = (blue: object) => JSON.stringify({ ...route, backends: { ...route.backends, blue } });
  for (const [raw, expected] of [
    [JSON.stringify({ ...route, host: "A.com" }), "invalid: host: must be a lower-case DNS hostname"],
    [JSON.stringify({ ...route, app: "Shop" }), "invalid: app: must be a DNS-1123 label"],
    [JSON.stringify({ ...route, liveColour: "red" }), 'invalid: liveColour: must be "blue" or "green"'],
    [withBlue({ port: 0, healthCheck: hc }), "invalid: backends.blue.port: must be an integer port 1-65535"],
    [
      withBlue({ port: 1, healthCheck: { path: "x" } }),
      "invalid: backends.blue.healthCheck.path: must be an absolute HTTP path without spaces or quotes",
    ],
    [
      JSON.stringify({ ...route, previewHost: route.host }),
      "invalid: previewHost: previewHost must differ from host",
    ],
    ["[]", "invalid: (value): Invalid input: expected object, received array"],
    [
      JSON.stringify({ ...route, liveColour: "red", app: "Shop" }),
      'invalid: app: must be a DNS-1123 label; liveColour: must be "blue" or "green"',
    ],
  ] as const)
    assert.equal(error(parseRoute(raw)), expected, raw);
  assert.equal(
    error(parseRoute(serializeRoute(route), "other.example.com")),
    "invalid: host: must equal the key's host other.example.com",
  );
  assert.equal(error(parseMember('{"address":"example.com"}')), "invalid: address: must be an IPv4 address");

  assert.equal(
    error(parseKey("/switchyard/v1/members/shop/red/n1")),
    "bad-key: member key must be /switchyard/v1/members/<app>/<blue|green>/<id> with DNS-label parts",
  );
  assert.equal(
    error(parseKey("/switchyard/v1/agents/Lb_1")),
    "bad-key: agent status key has an invalid agent id",
  );
  assert.equal(
    error(parseKey("/switchyard/v2/routes/a.example.com")),
    "bad-key: key is outside /switchyard/v1/{routes,members,agents}/",
  );
  assert.deepEqual(parseKey("/switchyard/v1/agents/lb-1"), {
    ok: true,
    value: { kind: "agent", agentId: "lb-1" },
  });
  assert.throws(() => memberPrefix("Shop"), /^Error: invalid app for an etcd key: "Shop"$/);
  assert.throws(() => agentStatusKey("lb 1"), /^Error: invalid agent id for an etcd key: "lb 1"$/);
  assert.equal(memberPrefix("shop"), "/switchyard/v1/members/shop/");
  assert.equal(memberPrefix("shop", "blue"), "/switchyard/v1/members/shop/blue/");
});

test("size limits count bytes, not characters, and a value at the limit is read", () => {
  const address = (n: number) => `{"address":"10.0.0.1","port":80${" ".repeat(n)}}`;
  const atLimit = address(MAX_MEMBER_BYTES - address(0).length);
  assert.equal(Buffer.byteLength(atLimit), MAX_MEMBER_BYTES);
  assert.equal(parseMember(atLimit).ok, true);
  assert.equal(parseMember(Buffer.from(atLimit)).ok, true);
  const over = parseMember(`${atLimit} `);
  assert.deepEqual(over, {
    ok: false,
    error: {
      code: "too-large",
      message: `value is ${MAX_MEMBER_BYTES + 1} bytes, limit ${MAX_MEMBER_BYTES}`,
    },
  });
  // Multi-byte characters: fewer characters than the limit, more bytes.
  const wide = JSON.stringify({ ...route, app: "é".repeat(MAX_ROUTE_BYTES / 2) });
  assert.ok(wide.length < MAX_ROUTE_BYTES && Buffer.byteLength(wide) > MAX_ROUTE_BYTES);
  const r = parseRoute(wide);
  assert.equal(r.ok ? "accepted" : r.error.code, "too-large");
});

test("agent status fields are bounded: route states, error text", () => {
  const status = {
    agentId: "lb-1",
    appliedRevision: 1,
    updatedAt: "2026-01-01T00:00:00.000Z",
    routes: {},
    backends: {},
    rejected: [],
  };
  const withState = (state: string) => ({
    ...status,
    routes: { "a.example.com": { desiredColour: "blue", state, modRevision: 1 } },
  });
  for (const state of ["live", "refused", "pending"])
    assert.equal(parseAgentStatus(JSON.stringify(withState(state))).ok, true, state);
  assert.equal(parseAgentStatus(JSON.stringify(withState(""))).ok, false);
  assert.equal(parseAgentStatus(JSON.stringify({ ...status, lastError: "e".repeat(4096) })).ok, true);
  assert.equal(parseAgentStatus(JSON.stringify({ ...status, lastError: "e".repeat(4097) })).ok, false);
  assert.equal(parseAgentStatus(JSON.stringify({ ...status, lastError: "short" })).ok, true);
});
