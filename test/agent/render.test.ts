import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { haproxyPaths } from "../../model/haproxy";
import { checkPaths } from "../../hosts/agent/haproxy/layout";
import { loadConfig, usage } from "../../hosts/agent/config";
import type { Layout } from "../../hosts/agent/haproxy/layout";
import { checkConfig } from "../../hosts/agent/haproxy/process";
import { renderConfig, renderMap } from "../../model/haproxyConfig";
import { Metrics } from "../../hosts/agent/metrics";

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
    assert.equal(r.config.flipStrategy, "runtime");
  }
  assert.equal(loadConfig(["--help"], () => "").kind, "help");
  assert.match(usage(), /--etcd-endpoints/);
  const bad = loadConfig(["--bind-port", "0"], () => "");
  assert.equal(bad.kind, "error");
  assert.equal(loadConfig(["--no-such-flag"], () => "").kind, "error");
  assert.equal(loadConfig(["--config", "x"], () => "{").kind, "error");
});

test("metrics render in the Prometheus text format", () => {
  const m = new Metrics();
  m.flips = 3;
  m.observeApply(0.004);
  const member = "https://10.0.1.5:2379";
  const heard = performance.now() - 1500;
  const text = m.render({ watching: true, member, revision: 42, lastProgressAt: heard, reconnects: 2 });
  assert.match(text, /^switchyard_agent_flips_total 3$/m);
  assert.match(text, /^switchyard_agent_etcd_connected 1$/m);
  assert.match(text, /^switchyard_agent_etcd_watch_member\{member="https:\/\/10\.0\.1\.5:2379"\} 1$/m);
  assert.match(text, /^switchyard_agent_etcd_watch_revision 42$/m);
  assert.match(text, /^switchyard_agent_etcd_watch_reconnects_total 2$/m);
  const age = Number(/^switchyard_agent_etcd_watch_last_heard_age_seconds (\S+)$/m.exec(text)![1]);
  assert.ok(age >= 1.5 && age < 3, `age ${age}`);
  const idle = m.render({ watching: false, revision: 0, reconnects: 0 });
  assert.match(idle, /^switchyard_agent_etcd_connected 0$/m);
  assert.match(idle, /^switchyard_agent_etcd_watch_last_heard_age_seconds -1$/m);
  assert.match(text, /^switchyard_agent_apply_seconds_bucket\{le="0.005"\} 1$/m);
  assert.match(text, /^switchyard_agent_apply_seconds_count 1$/m);
});
