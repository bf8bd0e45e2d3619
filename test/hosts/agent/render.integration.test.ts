import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { haproxyPaths } from "../../../model/haproxy";
import { checkPaths } from "../../../hosts/agent/haproxy/layout";
import { loadConfig, usage } from "../../../hosts/agent/config";
import type { Layout } from "../../../hosts/agent/haproxy/layout";
import { checkConfig } from "../../../hosts/agent/haproxy/process";
import { renderConfig, renderMap } from "../../../model/haproxyConfig";
import { Metrics } from "../../../hosts/agent/metrics";
import type { WatchHealth } from "../../../hosts/runtime/etcd";
import { MEASUREMENTS } from "../../../components/monitoring/measurements";
import { parseExposition, sampleValue } from "../../helpers/prometheus";

const hc = { path: "/health", intervalMs: 1000, rise: 2, fall: 2 };
const layout: Layout = [
  { name: "be_shop_blue", app: "shop", colour: "blue", port: 8080, healthCheck: hc, slots: 2 },
  { name: "be_shop_green", app: "shop", colour: "green", port: 8081, healthCheck: hc, slots: 2 },
];

test("rendered haproxy.cfg has the runtime hooks and passes haproxy -c", async () => {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-render-"));
  try {
    const paths = haproxyPaths(dir);
    const cfg = renderConfig(
      {
        mode: "routes",
        backends: layout,
        slots: new Map([["be_shop_blue", [{ address: "10.0.0.1", port: 8080 }]]]),
      },
      {
        paths,
        bindAddress: "127.0.0.1",
        bindPort: 8000,
        maxconn: 1000,
        healthzPath: "/healthz",
      },
    );
    for (const expected of [
      "  master-worker",
      `  stats socket ${paths.adminSocket} mode 600 level admin expose-fd listeners`,
      `  server-state-file ${paths.serverState}`,
      "  load-server-state-from-file global",
      "  monitor-uri /healthz",
      `  use_backend %[req.hdr(host),field(1,:),lower,map(${paths.map})]`,
      `  http-check send meth GET uri-lf %[be_name,map(${paths.checks})]`,
      "  server s1 10.0.0.1:8080",
      "  server s2 127.0.0.1:8080 disabled",
      "  server s2 127.0.0.1:8081 disabled",
    ]) {
      assert.ok(cfg.includes(`${expected}\n`), `missing: ${expected}`);
    }
    writeFileSync(paths.config, cfg);
    writeFileSync(paths.map, renderMap(new Map([["shop.example.com", "be_shop_blue"]])));
    writeFileSync(paths.checks, renderMap(checkPaths(layout)));
    const check = await checkConfig("haproxy", paths.config);
    assert.equal(check.ok, true, check.output);
    writeFileSync(paths.config, cfg.replace("balance roundrobin", "balance nonsense"));
    assert.equal((await checkConfig("haproxy", paths.config)).ok, false);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("rendering refuses tokens that could break out of a line", () => {
  const evil = [{ ...layout[0], name: "be_x\n  server y 1.2.3.4:80" }];
  assert.throws(
    () =>
      renderConfig(
        { mode: "routes", backends: evil, slots: new Map() },
        {
          paths: haproxyPaths("/tmp/x"),
          bindAddress: "*",
          bindPort: 80,
          maxconn: 100,
          healthzPath: "/healthz",
        },
      ),
    /unsafe token/,
  );
  assert.throws(() => renderMap(new Map([["a.com b", "be_x"]])), /unsafe token/);
  assert.equal(
    renderMap(
      new Map([
        ["b.com", "be_b"],
        ["a.com", "be_a"],
      ]),
    ),
    "a.com be_a\nb.com be_b\n",
  );
});

test("config: defaults, file, flags (flags win), validation and --help", () => {
  const file = JSON.stringify({
    bindPort: 8080,
    etcdEndpoints: ["https://10.0.0.1:2379"],
    logLevel: "debug",
  });
  const r = loadConfig(["--config", "/etc/x.json", "--bind-port", "9090", "--agent-id", "lb-1"], () => file);
  assert.equal(r.kind, "config");
  if (r.kind === "config") {
    assert.equal(r.config.bindPort, 9090);
    assert.equal(r.config.agentId, "lb-1");
    assert.deepEqual(r.config.etcdEndpoints, ["https://10.0.0.1:2379"]);
    assert.equal(r.config.logLevel, "debug");
  }
  assert.equal(loadConfig(["--help"], () => "").kind, "help");
  assert.match(usage(), /--etcd-endpoints/);
  const bad = loadConfig(["--bind-port", "0"], () => "");
  assert.equal(bad.kind, "error");
  assert.equal(loadConfig(["--no-such-flag"], () => "").kind, "error");
  assert.equal(loadConfig(["--config", "x"], () => "{").kind, "error");
});

test("metrics: valid Prometheus exposition with every name the dashboards and alerts read", async () => {
  let watch: WatchHealth = { watching: true, member: "https://10.0.1.5:2379", revision: 42, reconnects: 2 };
  watch.lastProgressAt = performance.now() - 1500;
  const m = new Metrics(() => watch);
  m.flips.inc(3);
  m.apply.observe(0.004);
  m.apply.observe(0.3);
  const families = parseExposition(await m.render());
  const value = (name: string, labels?: Record<string, string>) => sampleValue(families, name, labels);
  assert.equal(value("switchyard_agent_flips_total"), 3);
  assert.equal(families.get("switchyard_agent_flips_total")?.type, "counter");
  assert.equal(value("switchyard_agent_reloads_total"), 0, "a counter never incremented still shows 0");
  assert.equal(value("switchyard_agent_etcd_connected"), 1);
  assert.equal(value("switchyard_agent_etcd_watch_member", { member: "https://10.0.1.5:2379" }), 1);
  assert.equal(value("switchyard_agent_etcd_watch_revision"), 42);
  assert.equal(value("switchyard_agent_etcd_watch_reconnects_total"), 2);
  assert.equal(families.get("switchyard_agent_etcd_watch_reconnects_total")?.type, "counter");
  const age = value("switchyard_agent_etcd_watch_last_heard_age_seconds")!;
  assert.ok(age >= 1.5 && age < 3, `age ${age}`);
  assert.equal(families.get("switchyard_agent_apply_seconds")?.type, "histogram");
  assert.equal(value("switchyard_agent_apply_seconds_bucket", { le: "0.005" }), 1);
  assert.equal(value("switchyard_agent_apply_seconds_bucket", { le: "0.5" }), 2);
  assert.equal(value("switchyard_agent_apply_seconds_count"), 2);
  for (const field of MEASUREMENTS.switchyard_agent.fields)
    assert.ok(value(field) !== undefined, `${field} (read by dashboards and alerts) is exposed`);

  // The watch is read at every scrape: a lost watch shows at once, with no member series left over.
  watch = { watching: false, revision: 0, reconnects: 3 };
  const idle = parseExposition(await m.render());
  assert.equal(sampleValue(idle, "switchyard_agent_etcd_connected"), 0);
  assert.equal(sampleValue(idle, "switchyard_agent_etcd_watch_last_heard_age_seconds"), -1);
  assert.equal(sampleValue(idle, "switchyard_agent_etcd_watch_reconnects_total"), 3);
  assert.deepEqual(idle.get("switchyard_agent_etcd_watch_member")?.samples, []);
});

test("the exposition parser refuses what a scraper would misread", () => {
  const bad = [
    "x 1",
    "# TYPE x gauge\nx 1\n# TYPE x gauge\n",
    "x 1\n# TYPE x gauge\n",
    'x{a="1"} 1\ny 1\nx{a="2"} 1\n',
    "x 1\nx 2\n",
    "x one\n",
    '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n',
  ];
  for (const text of bad) assert.throws(() => parseExposition(text), Error, JSON.stringify(text));
  assert.equal(sampleValue(parseExposition('# TYPE x gauge\nx{a="q\\"uote"} 2\n'), "x", { a: 'q"uote' }), 2);
});
