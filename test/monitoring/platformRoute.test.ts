/**
 * Grafana through the HAProxy tier in the offline plans (Pulumi mocks), and the pure parts of the
 * platform-route mechanism (components/apps/platform): the single-colour record, its validation,
 * the config checks that keep platform hosts and app names apart.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { platformRoute, registrarNamespaces } from "../../components/apps/platform/platformRoute";
import { crossCheck, platformRoutes } from "../../components/config/crossChecks";
import { routeRecord } from "../../components/apps/route/operations";
import { GRAFANA_PORT, GRAFANA_ROUTE_APP } from "../../components/monitoring/layout";
import { RouteClaims } from "../../model/etcd/claims";
import { parseRoute, serializeRoute } from "../../model/etcd/schema";
import { ROUTE_APP_LABEL, ROUTED_LABEL } from "../../model/labels";
import { registrarEnvName } from "../../model/registrar";
import { byName, descendantsOf, ofType, planStack } from "../helpers/plan";
import { join } from "node:path";
import { parseConfig } from "../../components/config";
import { readStackConfig } from "../../scripts/lib/stackConfig";
import { ROOT } from "../helpers/plan";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are free-form
type Json = any;

const grafana = {
  app: "grafana",
  host: "grafana.example.com",
  namespace: { key: "monitoring", name: "monitoring" },
  port: 3000,
  healthCheckPath: "/api/health",
};

describe("platform route (pure)", () => {
  test("a single-colour service is a route pinned to blue with the same backend in both colours", () => {
    const r = platformRoute(grafana);
    assert.equal(r.live, "blue");
    assert.deepEqual(r.backends.green, r.backends.blue);
    assert.deepEqual(r.backends.blue, { port: 3000, healthCheckPath: "/api/health" });
    assert.equal(r.minHealthy, 1);
    // What the Route provider writes parses as a route the agents accept, without a preview host.
    const parsed = parseRoute(serializeRoute(routeRecord(r)), grafana.host);
    assert.ok(parsed.ok);
    assert.equal(parsed.value.previewHost, undefined);
  });

  test("invalid arguments fail naming each problem", () => {
    assert.throws(
      () => platformRoute({ ...grafana, app: "Grafana", host: "x..y", port: 0, healthCheckPath: "api" }),
      (e: Error) =>
        ["app", "host", "port 0", "healthCheckPath"].every((w) => e.message.includes(w)) &&
        e.message.startsWith("platform service Grafana:"),
    );
  });

  test("the existing claim rules apply: a platform route cannot take an app's host or app name", () => {
    const claims = new RouteClaims();
    const app = parseRoute(
      serializeRoute({
        host: "shop.example.com",
        app: "shop",
        liveColour: "green",
        backends: {
          blue: { port: 8080, healthCheck: { path: "/h" } },
          green: { port: 8080, healthCheck: { path: "/h" } },
        },
        previewHost: "grafana.example.com",
      }),
    );
    assert.ok(app.ok);
    claims.add(app.value);
    const platform = parseRoute(serializeRoute(routeRecord(platformRoute(grafana))));
    assert.ok(platform.ok);
    assert.match(
      claims.conflict(platform.value) ?? "",
      /already the previewHost of route shop\.example\.com/,
    );
    const named = parseRoute(
      serializeRoute(routeRecord(platformRoute({ ...grafana, app: "shop", host: "g.example.com" }))),
    );
    assert.ok(named.ok);
    assert.match(claims.conflict(named.value) ?? "", /app shop is already routed by shop\.example\.com/);
  });

  test("the registrar gets one namespace entry per namespace", () => {
    assert.deepEqual(registrarNamespaces([grafana, { ...grafana, app: "other", host: "o.example.com" }]), {
      monitoring: "monitoring",
    });
  });
});

describe("config checks for platform hosts", () => {
  // The committed prod stack as the offline plan reads it (its example placeholders accepted).
  const prod = parseConfig(readStackConfig(ROOT, join(ROOT, "Pulumi.prod.yaml")).values, {
    placeholders: "warn",
  });
  test("prod routes Grafana under monitoring.grafana.host", () => {
    // Graylog is the stack's other platform service (docs/logging.md).
    assert.deepEqual(platformRoutes(prod), [
      { app: GRAFANA_ROUTE_APP, host: "grafana.example.com", path: "switchyard:monitoring.grafana.host" },
      { app: "graylog", host: "logs.example.com", path: "switchyard:logging.graylog.host" },
    ]);
    assert.deepEqual(crossCheck(prod), []);
  });

  test("an app on Grafana's host, or named like its route, is refused", () => {
    const [name, app] = Object.entries(prod.apps)[0];
    const sameHost = { ...prod, apps: { [name]: { ...app, aliases: ["grafana.example.com"] } } };
    assert.deepEqual(
      crossCheck(sameHost).map((p) => p.path),
      ["switchyard:monitoring.grafana.host"],
    );
    const sameName = {
      ...prod,
      apps: { ...prod.apps, grafana: { ...app, host: "g2.example.com", aliases: [] } },
    };
    const problems = crossCheck(sameName);
    assert.ok(
      problems.some(
        (p) => p.path === "switchyard:apps.grafana" && /route of the platform service/.test(p.message),
      ),
      JSON.stringify(problems),
    );
  });

  test("without monitoring, or without a host, nothing is routed", () => {
    const grafana = (cfg: typeof prod) => platformRoutes(cfg).filter((p) => p.app === GRAFANA_ROUTE_APP);
    assert.deepEqual(grafana({ ...prod, monitoring: { ...prod.monitoring, enabled: false } }), []);
    assert.deepEqual(grafana({ ...prod, monitoring: { ...prod.monitoring, grafana: {} } }), []);
  });
});

describe("Grafana routed in the prod plan", () => {
  const plan = planStack("prod");
  const component = byName(plan, "switchyard:apps:PlatformRoute", GRAFANA_ROUTE_APP);
  const [route] = descendantsOf(plan, component.urn).filter((r) => r.type.endsWith("switchyard:Route"));

  test("one Route for grafana.example.com, pinned to blue, Grafana's port and health path in both colours", () => {
    const i = route.inputs as Json;
    assert.equal(i.host, "grafana.example.com");
    assert.equal(i.app, GRAFANA_ROUTE_APP);
    assert.equal(i.live, "blue");
    assert.deepEqual(i.backends.blue, { port: GRAFANA_PORT, healthCheckPath: "/api/health" });
    assert.deepEqual(i.backends.green, i.backends.blue);
    assert.equal(i.previewHost, undefined);
    // The etcd connection (with the deploy runner's key) is a secret as a whole.
    assert.equal(i.etcd, "[secret]");
  });

  test("Grafana's Service carries the routed labels and names its port http", () => {
    const svc = byName(plan, "kubernetes:core/v1:Service", "monitoring-grafana").inputs as Json;
    assert.equal(svc.metadata.labels[ROUTED_LABEL], "true");
    assert.equal(svc.metadata.labels[ROUTE_APP_LABEL], GRAFANA_ROUTE_APP);
    assert.deepEqual(
      svc.spec.ports.map((p: Json) => [p.name, p.targetPort]),
      [["http", "http"]],
    );
  });

  test("the registrar reads EndpointSlices in monitoring through a Role there, and is told the namespace", () => {
    const registrar = byName(plan, "switchyard:apps:MemberRegistrar", "switchyard-registrar");
    const kids = descendantsOf(plan, registrar.urn);
    const roles = kids.filter((r) => r.type.endsWith(":Role"));
    assert.deepEqual(
      roles.map((r) => [(r.inputs as Json).metadata.namespace, (r.inputs as Json).rules]).sort(),
      [
        [
          "apps",
          [
            {
              apiGroups: ["discovery.k8s.io"],
              resources: ["endpointslices"],
              verbs: ["get", "list", "watch"],
            },
          ],
        ],
        [
          "logging",
          [
            {
              apiGroups: ["discovery.k8s.io"],
              resources: ["endpointslices"],
              verbs: ["get", "list", "watch"],
            },
          ],
        ],
        [
          "monitoring",
          [
            {
              apiGroups: ["discovery.k8s.io"],
              resources: ["endpointslices"],
              verbs: ["get", "list", "watch"],
            },
          ],
        ],
      ],
    );
    const binding = kids.find(
      (r) => r.type.endsWith(":RoleBinding") && r.name === "switchyard-registrar-monitoring",
    );
    assert.equal((binding?.inputs as Json).metadata.namespace, "monitoring");
    assert.equal((binding?.inputs as Json).subjects[0].namespace, "platform");
    assert.equal(
      ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding").filter((r) =>
        r.name.includes("registrar"),
      ).length,
      0,
    );
    const deployment = kids.find((r) => r.type.endsWith("apps/v1:Deployment"));
    const env = (deployment?.inputs as Json).spec.template.spec.containers[0].env as Json[];
    assert.deepEqual(
      env.find((e) => e.name === registrarEnvName("platform-namespaces")),
      { name: registrarEnvName("platform-namespaces"), value: "logging,monitoring" },
    );
  });

  test("the nodes admit HAProxy on Grafana's container port, and no second public load balancer exists", () => {
    const rules = ofType(plan, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((r) =>
      r.name.includes(`nodes-ingress-haproxy-${GRAFANA_PORT}`),
    );
    assert.equal(rules.length, 1);
    const lbs = ofType(plan, "aws:lb/loadBalancer:LoadBalancer").filter(
      (r) => (r.inputs as Json).internal !== true,
    );
    assert.equal(lbs.length, 1, "only the edge NLB faces the internet");
  });
});

describe("Grafana without a host (staging)", () => {
  test("no PlatformRoute, no Role in monitoring, no routed labels; port-forward access", () => {
    const plan = planStack("staging");
    assert.equal(ofType(plan, "switchyard:apps:PlatformRoute").length, 0);
    const roles = ofType(plan, "kubernetes:rbac.authorization.k8s.io/v1:Role").filter((r) =>
      r.name.startsWith("switchyard-registrar"),
    );
    assert.deepEqual(
      roles.map((r) => (r.inputs as Json).metadata.namespace),
      ["apps"],
    );
    const svc = byName(plan, "kubernetes:core/v1:Service", "monitoring-grafana").inputs as Json;
    assert.equal(svc.metadata.labels[ROUTED_LABEL], undefined);
  });
});
