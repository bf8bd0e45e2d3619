/** The prod and staging stacks as planned offline: the example app, its colours and its Route. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { byName, ofType, planStack, planVariant } from "../helpers/plan";

const ROUTE = "pulumi-nodejs:dynamic/switchyard:Route";

describe("switchyard:apps in the plan", () => {
  it("prod runs the example app in both colours with probes and limits, on the cluster's provider", () => {
    const plan = planStack("prod");
    for (const colour of ["blue", "green"]) {
      const d = byName(plan, "kubernetes:apps/v1:Deployment", `shop-${colour}`);
      assert.match(d.provider ?? "", /switchyard:kubernetes:Cluster.*pulumi:providers:kubernetes/);
      assert.equal((d.inputs.metadata as { namespace: string }).namespace, "apps");
      const c = (d.inputs.spec as any).template.spec.containers[0]; // eslint-disable-line @typescript-eslint/no-explicit-any -- plan inputs
      assert.equal(c.readinessProbe.httpGet.path, "/healthz");
      assert.equal(c.livenessProbe.httpGet.path, "/healthz");
      assert.deepEqual(c.resources.limits, { cpu: "1", memory: "512Mi" });
    }
    assert.equal(
      (byName(plan, "kubernetes:apps/v1:Deployment", "shop-blue").inputs.spec as { replicas: number })
        .replicas,
      3,
    );
  });

  it("prod publishes the app's Route at the container port, with routed ClusterIP Services and secret etcd credentials", () => {
    const plan = planStack("prod");
    const route = byName(plan, ROUTE, "shop");
    assert.equal(route.inputs.live, "blue");
    assert.equal(route.inputs.host, "shop.example.com");
    assert.equal(route.inputs.previewHost, "preview.shop.example.com");
    const backends = route.inputs.backends as Record<string, { port: number; healthCheckPath: string }>;
    for (const colour of ["blue", "green"]) {
      const service = byName(plan, "kubernetes:core/v1:Service", `shop-${colour}`).inputs as {
        metadata: { labels: Record<string, string> };
        spec: { type: string; ports: { port: number; nodePort?: number }[] };
      };
      assert.equal(service.spec.type, "ClusterIP");
      assert.equal(service.spec.ports[0].nodePort, undefined);
      assert.deepEqual(service.metadata.labels, { app: "shop", colour, "switchyard.io/routed": "true" });
      assert.equal(backends[colour].port, 8080);
    }
    assert.equal(route.inputs.etcd, "[secret]");
    // The Route waits for the live colour to be rolled out.
    const blue = byName(plan, "kubernetes:apps/v1:Deployment", "shop-blue");
    assert.ok(route.options.dependsOn.includes(blue.urn));
    // The idle colour is resized only after the Route succeeded: a refused flip never shrinks it.
    const green = byName(plan, "kubernetes:apps/v1:Deployment", "shop-green");
    assert.ok(green.options.dependsOn.includes(route.urn));
  });

  it("an app with autoscaling gets an HPA on the live colour, floored at minReplicas", () => {
    const run = planVariant("prod", (config) => {
      config["switchyard:apps"].shop.autoscaling = { minReplicas: 4, maxReplicas: 9 };
    });
    assert.ok(run.plan, run.stderr);
    const hpas = ofType(run.plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    assert.deepEqual(
      hpas.map((h) => h.name),
      ["shop-blue"],
    );
    assert.equal((hpas[0].inputs.spec as { minReplicas: number }).minReplicas, 4);
    assert.equal(
      (byName(run.plan, "kubernetes:apps/v1:Deployment", "shop-blue").inputs.spec as { replicas: number })
        .replicas,
      4,
    );
  });

  it("refuses a config app without resource limits, naming the app", () => {
    const run = planVariant("prod", (config) => {
      delete config["switchyard:apps"].shop.resources.limits;
    });
    assert.equal(run.status, 1);
    // With --json a configuration error is one JSON document on stdout.
    const { errors } = JSON.parse(run.stdout) as { errors: { path: string; message: string }[] };
    assert.ok(
      errors.some(
        (e) => e.path.startsWith("switchyard:apps.shop") && /resources\.limits/.test(e.path + e.message),
      ),
      run.stdout,
    );
  });
});
