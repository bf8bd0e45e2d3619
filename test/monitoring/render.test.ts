/** The monitoring renderers as pure functions: Telegraf TOML, Grafana provisioning, queries. */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { unknownOptionsInToml } from "../helpers/telegraf";
import { parse as parseToml } from "smol-toml";
import { parse as parseYaml } from "yaml";
import { renderTelegrafConfig } from "../../components/common/telegraf/config";
import { alertSpecs } from "../../components/monitoring/alerts/rules";
import {
  DATASOURCE_UIDS,
  influxHostUrl,
  influxServiceDnsNames,
  influxServiceUrl,
} from "../../components/monitoring/layout";
import { renderInfluxConfig, renderInfluxSetupScript } from "../../components/monitoring/render/influxdb";
import { CONTAINER_IDENTITY, MEASUREMENTS } from "../../components/monitoring/measurements";
import { renderGrafanaContent } from "../../components/monitoring/render/content";
import { grafanaIni } from "../../components/monitoring/render/grafanaIni";
import { renderContactPoints, renderDatasources } from "../../components/monitoring/render/provisioning";
import {
  clusterTelegrafRules,
  nodeTelegrafRules,
  renderClusterTelegraf,
  renderNodeTelegraf,
} from "../../components/monitoring/render/telegraf";
import { panelQueries, ruleQueries } from "../../scripts/lib/monitoring/grafana";
import { influxdbStatefulSetSpec } from "../../components/monitoring/render/specs";
import { CONFIG_DIGEST_ANNOTATION, shortDigest } from "../../components/common/digest";

const inputs = {
  thresholds: { restartsPerDay: 3, replicaLagSeconds: 60, agentStaleSeconds: 60, noDataMinutes: 10 },
  apps: [{ app: "shop", live: "green" as const, minHealthy: 2 }],
  sources: [{ id: "etcd", measurement: "etcd" as const, field: "etcd_server_has_leader", label: "etcd" }],
  databases: true,
  provisionedIops: 3000,
  contactPoints: true,
};

describe("Kubernetes Telegraf configurations", () => {
  const url = "http://influxdb.monitoring.svc.cluster.local:8086";
  for (const [name, text] of [
    ["node", renderNodeTelegraf(url)],
    ["cluster", renderClusterTelegraf(url)],
  ] as const) {
    test(`${name}: TOML that names only upstream plugins and options, credentials by reference`, () => {
      const doc = parseToml(text) as Record<string, Record<string, Record<string, unknown>[]>>;
      assert.deepEqual(unknownOptionsInToml(text), []);
      const [influx] = doc.outputs.influxdb;
      assert.equal(influx.password, "${INFLUX_PASSWORD}");
      assert.equal(influx.skip_database_creation, true);
      assert.ok(doc.outputs.health, "the probes need outputs.health");
    });
  }

  test("kube_inventory reads every namespace (its default is `default`) and only pods, nodes, deployments", () => {
    const doc = parseToml(renderClusterTelegraf("http://x")) as {
      inputs: { kube_inventory: Record<string, unknown>[] };
    };
    const [inv] = doc.inputs.kube_inventory;
    assert.equal(inv.namespace, "");
    assert.deepEqual(inv.resource_include, ["pods", "nodes", "deployments"]);
  });

  test("a misspelt option is refused before anything is rendered", () => {
    assert.throws(
      () =>
        renderTelegrafConfig({
          agent: { interval: "10s" },
          inputs: [{ plugin: "haproxy", options: { server: ["x"] } }],
          outputs: [],
        }),
      /inputs\.haproxy\.server/,
    );
  });

  test("ClusterRoles: exactly what the collectors call", () => {
    assert.deepEqual(clusterTelegrafRules(), [
      { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["list"] },
      { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] },
    ]);
    assert.deepEqual(nodeTelegrafRules(), [
      { apiGroups: [""], resources: ["nodes/stats", "nodes/proxy"], verbs: ["get"] },
    ]);
  });
});

describe("Grafana provisioning", () => {
  const content = renderGrafanaContent(inputs);

  test("the rules file has apiVersion 1, one group, and no `$` for Grafana's env interpolation to eat", () => {
    const text = content.files.alerting["rules.yaml"];
    const doc = parseYaml(text) as { apiVersion: number; groups: { rules: unknown[] }[] };
    assert.equal(doc.apiVersion, 1);
    assert.equal(doc.groups.length, 1);
    assert.equal(doc.groups[0].rules.length, content.rules.length);
    assert.doesNotMatch(text, /\$/);
  });

  test("every panel and rule uses the platform datasource's UID", () => {
    const panels = panelQueries(content.files.dashboards);
    const rules = ruleQueries(content.files.alerting["rules.yaml"]);
    assert.ok(panels.length > 0 && rules.length > 0);
    assert.deepEqual(
      new Set([...panels, ...rules].map((q) => q.datasourceUid)),
      new Set([DATASOURCE_UIDS.platform]),
    );
    const ds = parseYaml(
      renderDatasources([
        {
          uid: DATASOURCE_UIDS.platform,
          name: "InfluxDB",
          url: "https://i",
          database: "telegraf",
          user: "g",
          password: "p",
          isDefault: true,
          caCertPem: "PEM-OF-THE-CA",
        },
      ]),
    ) as {
      apiVersion: number;
      datasources: {
        uid: string;
        jsonData: { version: string; tlsAuthWithCACert: boolean; tlsSkipVerify: boolean };
        secureJsonData: { tlsCACert: string };
      }[];
    };
    assert.equal(ds.apiVersion, 1);
    // Grafana verifies InfluxDB's certificate against the monitoring CA.
    assert.equal(ds.datasources[0].jsonData.tlsAuthWithCACert, true);
    assert.equal(ds.datasources[0].jsonData.tlsSkipVerify, false);
    assert.equal(ds.datasources[0].secureJsonData.tlsCACert, "PEM-OF-THE-CA");
    assert.equal(ds.datasources[0].uid, DATASOURCE_UIDS.platform);
    assert.equal(ds.datasources[0].jsonData.version, "InfluxQL");
  });

  test("queries name only measurements, tags and fields of the Telegraf table", () => {
    const known = new Set<string>(
      Object.entries(MEASUREMENTS).flatMap(([m, spec]) => [m, ...spec.tags, ...spec.fields]),
    );
    // Column aliases the queries define themselves.
    const aliases = new Set([
      "restarts",
      "cpu",
      "memory",
      "last",
      "seconds",
      "syncs",
      "r",
      "w",
      "iops",
      "requests",
      "5xx",
      "committed",
      "failed",
    ]);
    const all = [
      ...panelQueries(content.files.dashboards).map((q) => q.query),
      ...ruleQueries(content.files.alerting["rules.yaml"]).map((q) => q.query),
    ];
    for (const q of all) {
      for (const [, name] of q.matchAll(/"([^"]+)"/g))
        assert.ok(known.has(name) || aliases.has(name), `${name} in ${q}`);
    }
  });

  test("the restart rule groups by the container's identity only, over 24 h, above restartsPerDay", () => {
    const [restarts] = alertSpecs(inputs).filter((s) => s.uid === "container-restarts");
    const groupBy = /GROUP BY (.*)$/.exec(restarts.query)![1];
    assert.deepEqual(
      groupBy.split(", ").map((t) => t.replaceAll('"', "")),
      [...CONTAINER_IDENTITY],
    );
    for (const volatile of ["state", "readiness", "phase"])
      assert.doesNotMatch(groupBy, new RegExp(volatile));
    assert.equal(restarts.rangeSeconds, 86400);
    assert.deepEqual(restarts.threshold, { type: "gt", value: 3 });
  });

  test("the backend rule watches the live colour with the app's minHealthy", () => {
    const [rule] = alertSpecs(inputs).filter((s) => s.uid === "backend-down-shop");
    assert.match(rule.query, /'be_shop_green'/);
    assert.deepEqual(rule.threshold, { type: "lt", value: 2 });
  });

  test("thresholds come from the inputs", () => {
    const specs = alertSpecs({
      ...inputs,
      thresholds: { ...inputs.thresholds, restartsPerDay: 7, replicaLagSeconds: 120 },
    });
    assert.equal(specs.find((s) => s.uid === "container-restarts")!.threshold.value, 7);
    assert.equal(specs.find((s) => s.uid === "mysql-replica-lag")!.threshold.value, 120);
  });

  test("contact points: one receiver per configured channel", () => {
    const doc = parseYaml(
      renderContactPoints({
        email: { addresses: ["a@example.com", "b@example.com"] },
        slack: { webhookUrl: "https://hooks.slack.com/services/T/B/X" },
        sns: { topicArn: "arn:aws:sns:eu-west-1:123456789012:alerts", region: "eu-west-1" },
      }),
    ) as { contactPoints: { receivers: { type: string; settings: Record<string, unknown> }[] }[] };
    assert.deepEqual(
      doc.contactPoints[0].receivers.map((r) => r.type),
      ["email", "slack", "sns"],
    );
    assert.equal(doc.contactPoints[0].receivers[0].settings.addresses, "a@example.com;b@example.com");
  });

  test("grafana.ini: sign-in required, no anonymous access, no phone-home", () => {
    const ini = grafanaIni({ rootUrl: "https://grafana.example.com/" });
    assert.equal(ini["auth.anonymous"].enabled, false);
    assert.equal(ini.users.allow_sign_up, false);
    assert.equal(ini.analytics.reporting_enabled, false);
    assert.equal(ini.analytics.check_for_updates, false);
    assert.equal(ini.security.cookie_secure, true);
  });
});

describe("InfluxDB TLS (pure parts)", () => {
  test("the rendered influxdb.conf serves HTTPS with the given files", () => {
    const http = (
      parseToml(
        renderInfluxConfig({
          dataRoot: "/d",
          httpBind: ":8086",
          rpcBind: "127.0.0.1:8088",
          https: { certificate: "/t/tls.crt", privateKey: "/t/tls.key" },
        }),
      ) as { http: Record<string, unknown> }
    ).http;
    assert.equal(http["https-enabled"], true);
    assert.equal(http["https-certificate"], "/t/tls.crt");
    assert.equal(http["https-private-key"], "/t/tls.key");
    assert.equal(http["auth-enabled"], true);
  });

  test("the in-cluster URL is HTTPS and its host is one of the certificate's names", () => {
    const url = new URL(influxServiceUrl("monitoring"));
    assert.equal(url.protocol, "https:");
    assert.ok(influxServiceDnsNames("monitoring").includes(url.hostname));
    assert.equal(new URL(influxHostUrl("lb.example")).protocol, "https:");
  });

  test("the setup script's CLI speaks TLS", () => {
    assert.match(renderInfluxSetupScript({ retentionDays: 7 }), /influx -ssl /);
  });
});

describe("InfluxDB restarts when what it reads at start changes", () => {
  const spec = (configDigest: string) =>
    influxdbStatefulSetSpec({
      image: "influxdb:1.11",
      configMap: "influx-config",
      tlsSecret: "influx-tls",
      storageGiB: 100,
      storageClass: "gp3",
      configDigest,
    });

  test("the pod template carries the digest of its config and certificate", () => {
    const before = shortDigest(JSON.stringify({ "influxdb.conf": "a" }), "CERT-1");
    const renewed = shortDigest(JSON.stringify({ "influxdb.conf": "a" }), "CERT-2");
    assert.match(before, /^[0-9a-f]{10}$/);
    assert.notEqual(before, renewed, "a renewed certificate is a new digest");
    assert.equal(before, shortDigest(JSON.stringify({ "influxdb.conf": "a" }), "CERT-1"), "stable");
    // Parts are separated: moving a character from one to the other is a different digest.
    assert.notEqual(shortDigest("ab", "c"), shortDigest("a", "bc"));
    const annotations = (s: ReturnType<typeof spec>) =>
      (s.template as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    assert.equal(annotations(spec(before))[CONFIG_DIGEST_ANNOTATION], before);
    assert.notEqual(
      annotations(spec(renewed))[CONFIG_DIGEST_ANNOTATION],
      annotations(spec(before))[CONFIG_DIGEST_ANNOTATION],
    );
  });
});

describe("the Telegraf option check itself", () => {
  test("names an invented plugin option, an unknown agent key and an unknown plugin", () => {
    const found = unknownOptionsInToml(
      [
        "[agent]",
        'interval = "10s"',
        "flush_jitter_typo = 1",
        "[[inputs.cpu]]",
        "percpu = true",
        "per_cpu = true",
        "[[inputs.no_such_plugin]]",
        "[[outputs.influxdb]]",
        'urls = ["https://influxdb:8086"]',
      ].join("\n"),
    );
    assert.ok(found.includes("agent.flush_jitter_typo"), found.join(", "));
    assert.ok(
      found.some((p) => p.includes("per_cpu")),
      found.join(", "),
    );
    assert.ok(
      found.some((p) => p.includes("no_such_plugin")),
      found.join(", "),
    );
    assert.ok(!found.some((p) => p.includes("percpu") || p.includes("urls")), found.join(", "));
  });
});
