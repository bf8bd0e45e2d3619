import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULTS } from "../../agent/src/config";
import { buildDesired, parseRecord } from "../../agent/src/desired";
import type { EtcdRecord } from "../../agent/src/desired";
import { assignSlots, deriveLayout, sameLayout } from "../../agent/src/haproxy/layout";
import { backendHealth, parseMap, parseServersState } from "../../agent/src/haproxy/parse";
import { commandFailed } from "../../agent/src/haproxy/runtime";
import { decideRoutes, planMap, planServers } from "../../agent/src/plan";
import { memberKey, routeKey, serializeMember, serializeRoute } from "../../agent/src/schema";
import type { Route } from "../../agent/src/schema";

const hc = { path: "/health", intervalMs: 1000, rise: 2, fall: 2 };
function route(host: string, app: string, extra: Partial<Route> = {}): Route {
  return {
    host,
    app,
    liveColour: "blue",
    backends: { blue: { port: 8080, healthCheck: hc }, green: { port: 8081, healthCheck: hc } },
    minHealthy: 1,
    ...extra,
  };
}

/** The agent's default member ranges (private addresses). */
const PRIVATE = { memberCidrs: DEFAULTS.memberCidrs };

function records(entries: [string, string][]): Map<string, EtcdRecord> {
  return new Map(entries.map(([k, v], i) => [k, parseRecord(k, v, i + 1)]));
}

test("desired state: members outside the allowed ranges are rejected (loopback, metadata, public)", () => {
  const d = buildDesired(
    records([
      [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))],
      [memberKey("shop", "blue", "pod-1"), serializeMember({ address: "10.20.3.4", port: 8080 })],
      [memberKey("shop", "blue", "loop"), serializeMember({ address: "127.0.0.1", port: 9180 })],
      [memberKey("shop", "blue", "imds"), serializeMember({ address: "169.254.169.254", port: 80 })],
      [memberKey("shop", "green", "out"), serializeMember({ address: "8.8.8.8", port: 443 })],
    ]),
    PRIVATE,
  );
  assert.deepEqual(d.endpoints.get("be_shop_blue"), [{ address: "10.20.3.4", port: 8080 }]);
  assert.deepEqual(d.endpoints.get("be_shop_green"), []);
  assert.deepEqual(d.rejected.map((r) => r.key).sort(), [
    memberKey("shop", "blue", "imds"),
    memberKey("shop", "blue", "loop"),
    memberKey("shop", "green", "out"),
  ]);
  for (const r of d.rejected) assert.match(r.reason, /outside the allowed ranges/);
  // A test bed that serves from loopback says so explicitly.
  const loopback = buildDesired(
    records([
      [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))],
      [memberKey("shop", "blue", "loop"), serializeMember({ address: "127.0.0.1", port: 9180 })],
    ]),
    { memberCidrs: ["127.0.0.0/8"] },
  );
  assert.deepEqual(loopback.endpoints.get("be_shop_blue"), [{ address: "127.0.0.1", port: 9180 }]);
});

test("desired state: bad records are rejected, the rest is kept", () => {
  const d = buildDesired(
    records([
      [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))],
      ["/switchyard/v1/routes/b.example.com", "{oops"],
      ["/switchyard/v1/routes/evil}.com", serializeRoute(route("c.example.com", "x"))],
      [
        routeKey("d.example.com"),
        serializeRoute({
          ...route("d.example.com", "shop"),
          backends: { ...route("d", "shop").backends, blue: { port: 9, healthCheck: hc } },
        }),
      ],
      [memberKey("shop", "blue", "n1"), serializeMember({ address: "10.0.0.1" })],
      [memberKey("shop", "blue", "n2"), serializeMember({ address: "10.0.0.1", port: 8080 })],
      [memberKey("shop", "green", "n1"), serializeMember({ address: "10.0.0.2", port: 9000 })],
      [memberKey("shop", "green", "n2"), '{"address":"10.0.0.3\\nserver x"}'],
      [memberKey("ghost", "blue", "n1"), serializeMember({ address: "10.0.0.9" })],
    ]),
    PRIVATE,
  );
  assert.deepEqual(
    d.routes.map((r) => r.route.host),
    ["a.example.com"],
  );
  assert.deepEqual(d.endpoints.get("be_shop_blue"), [{ address: "10.0.0.1", port: 8080 }]);
  assert.deepEqual(d.endpoints.get("be_shop_green"), [{ address: "10.0.0.2", port: 9000 }]);
  assert.equal(d.endpoints.has("be_ghost_blue"), false);
  const reasons = Object.fromEntries(d.rejected.map((r) => [r.key, r.reason]));
  assert.match(reasons["/switchyard/v1/routes/b.example.com"], /^bad-json/);
  assert.match(reasons["/switchyard/v1/routes/evil}.com"], /invalid host/);
  assert.match(reasons[routeKey("d.example.com")], /already routed by a.example.com/);
  assert.match(reasons[memberKey("shop", "green", "n2")], /IPv4/);
});

test("desired state: a preview host may not be another route's host, nor another route's preview host", () => {
  const d = buildDesired(
    records([
      // Sorts before the route whose host it claims, and after one: refused either way.
      [
        routeKey("a.example.com"),
        serializeRoute(route("a.example.com", "a", { previewHost: "b.example.com" })),
      ],
      [routeKey("b.example.com"), serializeRoute(route("b.example.com", "b"))],
      [
        routeKey("c.example.com"),
        serializeRoute(route("c.example.com", "c", { previewHost: "p.example.com" })),
      ],
      [
        routeKey("d.example.com"),
        serializeRoute(route("d.example.com", "d", { previewHost: "p.example.com" })),
      ],
      [
        routeKey("e.example.com"),
        serializeRoute(route("e.example.com", "e", { previewHost: "b.example.com" })),
      ],
    ]),
    PRIVATE,
  );
  assert.deepEqual(
    d.routes.map((r) => [r.route.host, r.route.previewHost]),
    [
      ["b.example.com", undefined],
      ["c.example.com", "p.example.com"],
    ],
  );
  assert.deepEqual(
    d.rejected.map((r) => [r.key, r.reason]),
    [
      [routeKey("a.example.com"), "previewHost b.example.com is already in use"],
      [routeKey("d.example.com"), "previewHost p.example.com is already in use"],
      [routeKey("e.example.com"), "previewHost b.example.com is already in use"],
    ],
  );
  // The refused routes' apps get no backends; the kept ones do.
  assert.deepEqual([...d.endpoints.keys()].sort(), ["be_b_blue", "be_b_green", "be_c_blue", "be_c_green"]);
});

test("layout: slots are pre-allocated, grow by doubling and never shrink", () => {
  const members = (n: number) =>
    records([
      [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))],
      ...Array.from({ length: n }, (_, i): [string, string] => [
        memberKey("shop", "blue", `n${i}`),
        serializeMember({ address: `10.0.0.${i + 1}` }),
      ]),
    ]);
  const l1 = deriveLayout(buildDesired(members(3), PRIVATE), [], 4);
  assert.deepEqual(
    l1.map((b) => [b.name, b.slots]),
    [
      ["be_shop_blue", 4],
      ["be_shop_green", 4],
    ],
  );
  const l2 = deriveLayout(buildDesired(members(5), PRIVATE), l1, 4);
  assert.equal(l2[0].slots, 8);
  assert.equal(sameLayout(l1, l2), false);
  const l3 = deriveLayout(buildDesired(members(1), PRIVATE), l2, 4);
  assert.equal(l3[0].slots, 8);
  assert.equal(sameLayout(l2, l3), true);
});

test("slot assignment keeps members in place and fills free slots", () => {
  const e = (n: number) => ({ address: `10.0.0.${n}`, port: 80 });
  const actual = [
    { ...e(1), enabled: true },
    { ...e(2), enabled: true },
    { ...e(9), enabled: false },
    { ...e(3), enabled: true },
  ];
  assert.deepEqual(assignSlots(4, [e(3), e(4), e(1)], actual), [e(1), e(4), undefined, e(3)]);
  assert.throws(() => assignSlots(1, [e(1), e(2)], []), /do not fit/);
});

test("server plan: maint before re-addressing, ready after, maint for freed slots", () => {
  const e = (n: number) => ({ address: `10.0.0.${n}`, port: 80 });
  const actual = [
    { ...e(1), enabled: true },
    { ...e(2), enabled: true },
    { ...e(3), enabled: false },
    { ...e(4), enabled: true },
  ];
  assert.deepEqual(planServers("be_a_blue", [e(1), e(5), e(3), undefined], actual), [
    "set server be_a_blue/s2 state maint",
    "set server be_a_blue/s2 addr 10.0.0.5 port 80",
    "set server be_a_blue/s2 state ready",
    "set server be_a_blue/s3 state ready",
    "set server be_a_blue/s4 state maint",
  ]);
  assert.deepEqual(planServers("be_a_blue", [e(1)], [{ ...e(1), enabled: true }]), []);
});

test("route decision: flips only to a colour with minHealthy servers UP, otherwise refuses", () => {
  const routes = [
    {
      route: route("a.example.com", "a", {
        liveColour: "green",
        minHealthy: 2,
        previewHost: "p.example.com",
      }),
      modRevision: 7,
    },
    { route: route("b.example.com", "b", { liveColour: "green" }), modRevision: 8 },
    { route: route("new.example.com", "n", { liveColour: "green" }), modRevision: 9 },
  ];
  const applied = new Map([
    ["a.example.com", "be_a_blue"],
    ["b.example.com", "be_b_blue"],
    ["stale.example.com", "be_x_blue"],
  ]);
  const health = new Map([
    ["be_a_green", { up: 1, total: 3 }],
    ["be_b_green", { up: 1, total: 1 }],
  ]);
  const d = decideRoutes(routes, applied, health);
  assert.deepEqual(Object.fromEntries(d.entries), {
    "a.example.com": "be_a_blue",
    "p.example.com": "be_a_green",
    "b.example.com": "be_b_green",
    "new.example.com": "be_n_green",
  });
  assert.equal(d.statuses["a.example.com"].state, "refused");
  assert.equal(d.statuses["a.example.com"].liveColour, "blue");
  assert.match(d.statuses["a.example.com"].reason!, /1 of 2 required servers UP; blue stays live/);
  assert.equal(d.statuses["b.example.com"].state, "live");
  assert.equal(d.statuses["new.example.com"].state, "pending");
  assert.deepEqual(planMap("/m", d.entries, applied), [
    "add map /m p.example.com be_a_green",
    "set map /m b.example.com be_b_green",
    "add map /m new.example.com be_n_green",
    "del map /m stale.example.com",
  ]);
});

test("route decision without the desired backends keeps what the host has", () => {
  const routes = [
    { route: route("a.example.com", "a", { liveColour: "green", app: "a2" }), modRevision: 3 },
    { route: route("b.example.com", "b"), modRevision: 4 },
  ];
  const applied = new Map([["a.example.com", "be_a_blue"]]);
  const d = decideRoutes(
    routes,
    applied,
    new Map([["be_b_blue", { up: 1, total: 1 }]]),
    new Set(["be_a_blue", "be_a_green", "be_b_blue", "be_b_green"]),
  );
  assert.deepEqual(Object.fromEntries(d.entries), {
    "a.example.com": "be_a_blue",
    "b.example.com": "be_b_blue",
  });
  assert.equal(d.statuses["a.example.com"].state, "pending");
  assert.match(d.statuses["a.example.com"].reason!, /configuration HAProxy accepts/);
});

test("runtime answers are parsed and failures detected", () => {
  const state = [
    "1",
    "# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port",
    "3 be_a_blue 1 s1 127.0.0.1 2 0 1 1 2 15 3 3 6 0 0 0 - 28081 - 0 0 - - 0",
    "3 be_a_blue 2 s2 127.0.0.1 2 4 1 1 1 15 2 2 6 0 0 0 - 28082 - 0 0 - - 0",
    "3 be_a_blue 3 s3 127.0.0.1 0 5 1 1 1 15 0 0 6 0 0 0 - 28083 - 0 0 - - 0",
    "3 be_a_blue 4 s4 127.0.0.1 2 0 1 1 1 1 0 2 6 0 0 0 - 28084 - 0 0 - - 0",
    "3 be_a_blue 5 s5 127.0.0.1 0 0 1 1 1 15 2 1 6 0 0 0 - 28085 - 0 0 - - 0",
    "",
  ].join("\n");
  const servers = parseServersState(state).get("be_a_blue")!;
  assert.deepEqual(
    servers.map((s) => [s.port, s.enabled]),
    [
      [28081, true],
      [28082, true],
      [28083, false],
      [28084, true],
      [28085, true],
    ],
  );
  // s1 UP; s2 failed its last check but is still UP ("UP 1/2"); s3 in maintenance; s4 never
  // checked (HAProxy says UP, we do not trust it yet); s5 DOWN.
  assert.deepEqual(backendHealth(servers, hc), { up: 2, total: 4 });
  assert.deepEqual(
    parseMap("0x55d1 a.example.com be_a_blue\n0x55d2 b.example.com be_b_green\n\n"),
    new Map([
      ["a.example.com", "be_a_blue"],
      ["b.example.com", "be_b_green"],
    ]),
  );
  assert.equal(
    commandFailed("set server b/s1 addr 1.2.3.4 port 80", "IP changed from '127.0.0.1' to '1.2.3.4'"),
    false,
  );
  assert.equal(commandFailed("set server b/s9 state ready", "No such server."), true);
  assert.equal(commandFailed("set map /m a b", ""), false);
  assert.equal(commandFailed("add map /m a b", "Unknown map identifier"), true);
});
