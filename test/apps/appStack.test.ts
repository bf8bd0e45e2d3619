/** examples/app-stack evaluated under the plan mocks: the component as an app team's stack uses it. */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Evaluation } from "../../scripts/lib/evaluate";
import { planExample } from "../helpers/examples";

let plan: Evaluation;

describe("examples/app-stack", { timeout: 180_000 }, () => {
  before(() => {
    plan = planExample("app-stack");
  });

  it("deploys both colours through a Kubernetes provider built from the platform's kubeconfig", () => {
    const provider = plan.resources.find(
      (r) => r.type === "pulumi:providers:kubernetes" && r.name === "platform",
    );
    assert.ok(provider);
    assert.equal(provider.inputs.kubeconfig, "[secret]");
    const deployments = plan.resources.filter((r) => r.type === "kubernetes:apps/v1:Deployment");
    assert.deepEqual(deployments.map((d) => d.name).sort(), ["catalog-blue", "catalog-green"]);
    for (const d of deployments) assert.match(d.provider ?? "", /pulumi:providers:kubernetes::platform::/);
  });

  it("labels the app's per-colour ClusterIP Services for the platform's registrar, so it gets members", () => {
    const services = plan.resources.filter((r) => r.type === "kubernetes:core/v1:Service");
    assert.deepEqual(services.map((s) => s.name).sort(), ["catalog-blue", "catalog-green"]);
    for (const s of services) {
      const { metadata, spec } = s.inputs as {
        metadata: { labels: Record<string, string> };
        spec: { type: string };
      };
      const colour = s.name.replace("catalog-", "");
      assert.deepEqual(metadata.labels, { app: "catalog", colour, "switchyard.io/routed": "true" });
      assert.equal(spec.type, "ClusterIP");
    }
    const route = plan.resources.find((r) => r.type === "pulumi-nodejs:dynamic/switchyard:Route");
    assert.deepEqual(route?.inputs.backends, {
      blue: { port: 8080, healthCheckPath: "/healthz" },
      green: { port: 8080, healthCheckPath: "/healthz" },
    });
  });

  it("routes the app through the platform's etcd with the client credentials as secrets", () => {
    const route = plan.resources.find((r) => r.type === "pulumi-nodejs:dynamic/switchyard:Route");
    assert.ok(route);
    assert.equal(route.inputs.host, "catalog.example.com");
    assert.equal(route.inputs.live, "green");
    assert.equal(route.inputs.previewHost, "preview.catalog.example.com");
    assert.equal(route.inputs.etcd, "[secret]");
    assert.equal(plan.outputs.previewHost, "preview.catalog.example.com");
  });
});
