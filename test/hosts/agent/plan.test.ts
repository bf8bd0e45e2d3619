import { test } from "node:test";
import assert from "node:assert/strict";
import { DEFAULTS } from "../../../hosts/agent/config";
import { buildDesired, parseAccepted, parseRecord, serializeAccepted } from "../../../hosts/agent/desired";
import type { EtcdRecord } from "../../../hosts/agent/desired";
import {
  assignSlots,
  boundNames,
  deriveLayout,
  forReload,
  sameLayout,
  sameStructure,
} from "../../../hosts/agent/haproxy/layout";
import { backendHealth, parseMap, parseServersState } from "../../../hosts/agent/haproxy/parse";
import { commandFailed } from "../../../hosts/agent/haproxy/runtime";
import { decideRoutes, planMap, planServers } from "../../../hosts/agent/plan";
import { memberKey, routeKey, serializeMember, serializeRoute } from "../../../model/etcd/schema";
import type { Route } from "../../../model/etcd/schema";

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

/** A spare pool whose check timing is the one `route()` uses. */
const POOL = { pairs: 2, slots: 4, check: { intervalMs: hc.intervalMs, rise: hc.rise, fall: hc.fall } };

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

test("conflicts: the older record keeps its host, preview host and app; the newcomer is rejected", () => {
  const shop = route("shop.example.com", "shop", { previewHost: "preview.shop.example.com" });
  const rec = (r: Route, create: number, mod = create) =>
    [routeKey(r.host), parseRecord(routeKey(r.host), serializeRoute(r), mod, create)] as const;
  const other = (host: string, app: string, extra: Partial<Route> = {}) =>
    route(host, app, {
      backends: { ...route(host, app).backends, blue: { port: 9, healthCheck: hc } },
      ...extra,
    });
  const cases: [Route, RegExp][] = [
    // Sorts before shop.example.com, so key order alone would have let it win.
    [other("aaa.example.com", "shop"), /app shop is already routed by shop\.example\.com/],
    [
      route("preview.shop.example.com", "other"),
      /host preview\.shop\.example\.com is already the previewHost of route shop\.example\.com/,
    ],
    [
      route("b.example.com", "b", { previewHost: "shop.example.com" }),
      /previewHost shop\.example\.com is already routed as a host/,
    ],
    [
      route("c.example.com", "c", { previewHost: "preview.shop.example.com" }),
      /already the previewHost of route shop\.example\.com/,
    ],
  ];
  for (const [newcomer, reason] of cases) {
    // The older record is modified after the newcomer was created: age is the create revision.
    const d = buildDesired(new Map([rec(newcomer, 7), rec(shop, 3, 9)]), PRIVATE);
    assert.deepEqual(
      d.routes.map((r) => r.route.host),
      ["shop.example.com"],
      newcomer.host,
    );
    assert.deepEqual(
      d.rejected.map((r) => r.key),
      [routeKey(newcomer.host)],
    );
    assert.match(d.rejected[0].reason, reason);
    assert.match(d.rejected[0].reason, /the older record keeps it$/);
    // Deleted and written again, the old record is the newcomer and loses.
    const swapped = buildDesired(new Map([rec(newcomer, 7), rec(shop, 11)]), PRIVATE);
    assert.deepEqual(
      swapped.routes.map((r) => r.route.host),
      [newcomer.host],
    );
  }
});

test("a malformed or invalid update of an accepted route keeps its last accepted value live", () => {
  const a = route("a.example.com", "a");
  const key = routeKey(a.host);
  const first = buildDesired(new Map([[key, parseRecord(key, serializeRoute(a), 5, 5)]]), PRIVATE);
  assert.equal(first.accepted.get(key)?.modRevision, 5);
  for (const bad of ['{"host":', JSON.stringify({ ...a, liveColour: "purple" })]) {
    const d = buildDesired(new Map([[key, parseRecord(key, bad, 8, 5)]]), PRIVATE, first.accepted);
    assert.deepEqual(
      d.routes.map((r) => [r.route.host, r.modRevision]),
      [[a.host, 5]],
    );
    assert.match(
      d.routes[0].note!,
      /^serving the last accepted value \(revision 5\); revision 8 was rejected: (bad-json|invalid)/,
    );
    assert.equal(d.rejected.length, 1);
    assert.equal(d.accepted.get(key)?.modRevision, 5, "still the value to fall back to");
    const status = decideRoutes(d.routes, new Map([[a.host, "be_a_blue"]]), new Map()).statuses[a.host];
    assert.equal(status.state, "live");
    assert.equal(status.modRevision, 5);
    assert.match(status.reason!, /revision 8 was rejected/);
    // A key deleted and created again has no accepted past.
    const recreated = buildDesired(new Map([[key, parseRecord(key, bad, 12, 12)]]), PRIVATE, first.accepted);
    assert.deepEqual(recreated.routes, []);
  }
  // An update that would take another route's claim is an invalid update too.
  const b = route("b.example.com", "b");
  const bKey = routeKey(b.host);
  const both = new Map([
    [key, parseRecord(key, serializeRoute(a), 5, 5)],
    [bKey, parseRecord(bKey, serializeRoute(b), 6, 6)],
  ]);
  const before = buildDesired(both, PRIVATE);
  both.set(bKey, parseRecord(bKey, serializeRoute({ ...b, previewHost: a.host }), 9, 6));
  const after = buildDesired(both, PRIVATE, before.accepted);
  assert.deepEqual(
    after.routes.map((r) => [r.route.host, r.modRevision]),
    [
      [a.host, 5],
      [b.host, 6],
    ],
  );
  assert.match(after.rejected[0].reason, /previewHost a\.example\.com is already routed as a host/);
});

test("layout: a removed route's backends stay until a reload is needed anyway", () => {
  const two = records([
    [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))],
    [routeKey("b.example.com"), serializeRoute(route("b.example.com", "cart"))],
  ]);
  const one = records([[routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))]]);
  const l2 = deriveLayout(buildDesired(two, PRIVATE), [], 4);
  const d1 = buildDesired(one, PRIVATE);
  const l1 = deriveLayout(d1, l2, 4);
  assert.equal(sameLayout(l1, l2), true, "removing a route is not structural");
  assert.deepEqual(
    forReload(l1, d1, { ...POOL, pairs: 0 }).map((b) => b.name),
    ["be_shop_blue", "be_shop_green"],
  );
  assert.equal(sameLayout(deriveLayout(buildDesired(two, PRIVATE), l1, 4), l2), true, "nor bringing it back");
});

test("layout: a new app takes a free spare pair without a structural change, and frees it on removal", () => {
  const shop = [routeKey("a.example.com"), serializeRoute(route("a.example.com", "shop"))] as [
    string,
    string,
  ];
  const cart = [routeKey("b.example.com"), serializeRoute(route("b.example.com", "cart"))] as [
    string,
    string,
  ];
  const dShop = buildDesired(records([shop]), PRIVATE);
  const running = forReload(deriveLayout(dShop, [], 4), dShop, { ...POOL, pairs: 2 });
  assert.deepEqual(
    running.map((b) => [b.name, b.app ?? null]),
    [
      ["be_shop_blue", "shop"],
      ["be_shop_green", "shop"],
      ["spare_1_blue", null],
      ["spare_1_green", null],
      ["spare_2_blue", null],
      ["spare_2_green", null],
    ],
  );
  const withCart = deriveLayout(buildDesired(records([shop, cart]), PRIVATE), running, 4);
  assert.equal(sameStructure(withCart, running), true, "binding a spare is run-time data");
  assert.equal(boundNames(withCart).get("be_cart_blue"), "spare_1_blue");
  assert.equal(boundNames(withCart).get("be_cart_green"), "spare_1_green");
  const without = deriveLayout(dShop, withCart, 4);
  assert.equal(sameStructure(without, running), true);
  assert.equal(boundNames(without).has("be_cart_blue"), false, "the spare is free again");
  // A reload keeps the binding (the backend keeps its name) and refills the pool.
  const reloaded = forReload(withCart, buildDesired(records([shop, cart]), PRIVATE), { ...POOL, pairs: 2 });
  assert.equal(boundNames(reloaded).get("be_cart_blue"), "spare_1_blue");
  assert.equal(reloaded.filter((b) => b.app === undefined).length, 4);
});

test("layout: an exhausted pool or a different check timing is structural", () => {
  const r = (host: string, app: string) =>
    [routeKey(host), serializeRoute(route(host, app))] as [string, string];
  const d0 = buildDesired(records([r("a.example.com", "shop")]), PRIVATE);
  const running = forReload(deriveLayout(d0, [], 4), d0, { ...POOL, pairs: 1 });
  const one = deriveLayout(
    buildDesired(records([r("a.example.com", "shop"), r("b.example.com", "cart")]), PRIVATE),
    running,
    4,
  );
  assert.equal(sameStructure(one, running), true);
  const two = deriveLayout(
    buildDesired(
      records([r("a.example.com", "shop"), r("b.example.com", "cart"), r("c.example.com", "pay")]),
      PRIVATE,
    ),
    one,
    4,
  );
  assert.equal(sameStructure(two, one), false, "no spare left: pay needs new backends");
  assert.equal(boundNames(two).get("be_pay_blue"), "be_pay_blue");
  const slow = route("b.example.com", "cart");
  slow.backends.blue.healthCheck = { ...slow.backends.blue.healthCheck, intervalMs: 5000 };
  const timed = deriveLayout(
    buildDesired(
      records([r("a.example.com", "shop"), [routeKey("b.example.com"), serializeRoute(slow)]]),
      PRIVATE,
    ),
    running,
    4,
  );
  assert.equal(sameStructure(timed, running), false, "check timing is rendered, so it needs a reload");
});

test("accepted values survive a restart through the state file; a tampered entry is dropped", () => {
  const a = route("a.example.com", "a");
  const key = routeKey(a.host);
  const { accepted } = buildDesired(new Map([[key, parseRecord(key, serializeRoute(a), 5, 5)]]), PRIVATE);
  const restored = parseAccepted(serializeAccepted(accepted));
  assert.deepEqual([...restored], [...accepted]);
  const bad = buildDesired(new Map([[key, parseRecord(key, "{oops", 8, 5)]]), PRIVATE, restored);
  assert.deepEqual(
    bad.routes.map((r) => r.modRevision),
    [5],
  );
  const tampered = JSON.stringify([
    [key, { ...accepted.get(key), route: { ...a, app: "x\n  server pwn 10.6.6.6:80" } }],
    [routeKey("b.example.com"), { route: a, modRevision: 1, createRevision: 1 }],
  ]);
  assert.equal(parseAccepted(tampered).size, 0, "invalid value, and a value for another host");
  assert.equal(parseAccepted("not json").size, 0);
});

test("slots: a disabled slot is never put into maintenance again, extra members wait for a slot", () => {
  const e = (n: number) => ({ address: `10.0.0.${n}`, port: 80 });
  const actual = [
    { ...e(1), enabled: false },
    { ...e(2), enabled: false },
  ];
  // s1 gets a new member straight away; s2 stays in maintenance; the third member has no slot.
  assert.deepEqual(planServers("be_a_blue", [e(7), undefined, e(9)], actual), [
    "set server be_a_blue/s1 addr 10.0.0.7 port 80",
    "set server be_a_blue/s1 state ready",
  ]);
});

test("route decision: the status says what is pending and which colour the host still serves", () => {
  const pendingRoute = {
    route: route("a.example.com", "a", { liveColour: "green", minHealthy: 2, previewHost: "p.example.com" }),
    modRevision: 5,
  };
  // Without the backends, the host keeps its colour and the preview host (never applied) gets none.
  const waiting = decideRoutes(
    [pendingRoute],
    new Map([["a.example.com", "be_a_green"]]),
    new Map(),
    new Set(),
  );
  assert.deepEqual(Object.fromEntries(waiting.entries), { "a.example.com": "be_a_green" });
  assert.equal(waiting.statuses["a.example.com"].liveColour, "green");
  const unknown = decideRoutes([pendingRoute], new Map(), new Map(), new Set());
  assert.deepEqual(Object.fromEntries(unknown.entries), {});
  assert.equal("liveColour" in unknown.statuses["a.example.com"], false);
  // A new host is pointed at its colour at once, pending until enough servers are UP.
  const fresh = decideRoutes([pendingRoute], new Map(), new Map([["be_a_green", { up: 1, total: 3 }]]));
  assert.deepEqual(fresh.statuses["a.example.com"], {
    desiredColour: "green",
    liveColour: "green",
    state: "pending",
    reason: "green has 1 of 2 required servers UP",
    modRevision: 5,
  });
});
