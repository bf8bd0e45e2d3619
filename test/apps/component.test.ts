/**
 * BlueGreenService under Pulumi's mock runtime (in this process): the Kubernetes objects of both
 * colours, the Route's inputs, and the idle colour's size as decided from the Route's state.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenService } from "../../components/apps";
import type { BlueGreenServiceArgs } from "../../components/apps";
import { shop } from "./support/fixtures";

interface Registered {
  type: string;
  name: string;
  inputs: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- resource inputs are free-form
}

const registered: Registered[] = [];
/** Route state per resource name, standing in for what earlier `pulumi up`s recorded. */
const routeState: Record<string, Record<string, unknown>> = {};
const ROUTE_TYPE = "pulumi-nodejs:dynamic/switchyard:Route";

before(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push({ type: args.type, name: args.name, inputs: args.inputs });
        let state: Record<string, unknown> = { ...args.inputs };
        if (args.type === ROUTE_TYPE) state = { ...state, ...routeState[args.name] };
        return { id: `${args.name}-id`, state };
      },
      call: (args) => args.inputs,
    },
    "switchyard",
    "test",
    false,
  );
});

const etcd = { endpoints: ["https://10.0.0.1:2379"], ca: "CA", cert: "CERT", key: pulumi.secret("KEY") };

function settled<T>(o: pulumi.Output<T>): Promise<T> {
  return new Promise((resolve) => o.apply(resolve));
}

async function build(name: string, args: Partial<BlueGreenServiceArgs> = {}) {
  const app = new BlueGreenService(name, { ...shop, etcd, ...args });
  await Promise.all([settled(app.replicas.blue), settled(app.replicas.green)]);
  // Let the mock monitor record everything registered so far.
  await new Promise((r) => setTimeout(r, 50));
  const own = (type: string) => registered.filter((r) => r.type === type && r.name.startsWith(`${name}`));
  return { app, own };
}

const one = (list: Registered[], name: string) => {
  const found = list.find((r) => r.name === name);
  assert.ok(found, `expected a resource named ${name}, got ${list.map((r) => r.name).join(", ")}`);
  return found;
};

describe("BlueGreenService", () => {
  it("declares both colours with image, replicas, probes, limits, port and labels", async () => {
    const { own } = await build("shop");
    const deployments = own("kubernetes:apps/v1:Deployment");
    assert.deepEqual(deployments.map((d) => d.name).sort(), ["shop-blue", "shop-green"]);
    const blue = one(deployments, "shop-blue").inputs;
    assert.equal(blue.metadata.namespace, "apps");
    assert.deepEqual(blue.metadata.labels, { app: "shop", colour: "blue" });
    assert.equal(blue.spec.replicas, 3);
    const c = blue.spec.template.spec.containers[0];
    assert.equal(c.image, "ghcr.io/switchyard/shop:1.4.2");
    assert.equal(c.ports[0].containerPort, 8080);
    assert.equal(c.readinessProbe.httpGet.path, "/healthz");
    assert.equal(c.livenessProbe.httpGet.path, "/healthz");
    assert.deepEqual(c.resources.limits, { cpu: "1", memory: "512Mi" });
    // Never flipped: green is idle at idleReplicas (default 0) with its own image kept.
    const green = one(deployments, "shop-green").inputs;
    assert.equal(green.spec.replicas, 0);
    assert.equal(green.spec.template.spec.containers[0].image, "ghcr.io/switchyard/shop:1.5.0");
  });

  it("gives each colour a routed ClusterIP Service and a PDB, the live one floored at minHealthy", async () => {
    const { own } = await build("pdbs");
    assert.deepEqual(
      own("kubernetes:core/v1:Service")
        .map((s) => [s.name, s.inputs.spec.type, s.inputs.spec.selector.colour, s.inputs.metadata.labels])
        .sort(),
      [
        ["pdbs-blue", "ClusterIP", "blue", { app: "pdbs", colour: "blue", "switchyard.io/routed": "true" }],
        [
          "pdbs-green",
          "ClusterIP",
          "green",
          { app: "pdbs", colour: "green", "switchyard.io/routed": "true" },
        ],
      ],
    );
    // Only the Services carry the routed label (the registrar reads their slices, nothing else).
    for (const d of own("kubernetes:apps/v1:Deployment"))
      assert.equal(d.inputs.metadata.labels["switchyard.io/routed"], undefined);
    const pdbs = own("kubernetes:policy/v1:PodDisruptionBudget");
    assert.equal(one(pdbs, "pdbs-blue").inputs.spec.minAvailable, 2);
    assert.equal(one(pdbs, "pdbs-green").inputs.spec.maxUnavailable, 1);
    assert.deepEqual(one(pdbs, "pdbs-green").inputs.spec.selector, {
      matchLabels: { app: "pdbs", colour: "green" },
    });
  });

  it("publishes a Route with the container port, the default preview host and a serializable provider", async () => {
    const { own } = await build("routed");
    const route = one(own(ROUTE_TYPE), "routed").inputs;
    assert.equal(route.host, "shop.example.com");
    assert.equal(route.live, "blue");
    assert.equal(route.previewHost, "preview.shop.example.com");
    assert.deepEqual(route.backends, {
      blue: { port: 8080, healthCheckPath: "/healthz" },
      green: { port: 8080, healthCheckPath: "/healthz" },
    });
    assert.equal(route.minHealthy, 2);
    assert.deepEqual(route.gate, {
      healthTimeoutMs: 120_000,
      verifyTimeoutMs: 60_000,
      pollMs: 250,
      smokeCheckUrls: [],
    });
    assert.equal(typeof route.__provider, "string", "the provider must serialize");
  });

  it("keeps the colour just flipped away from warm at full size", async () => {
    routeState["warm"] = { flippedAt: new Date(Date.now() - 60_000).toISOString(), previousColour: "blue" };
    const { app, own } = await build("warm", { live: "green", scaleDownDelaySeconds: 600 });
    assert.equal(await settled(app.replicas.blue), 3);
    assert.equal(one(own("kubernetes:apps/v1:Deployment"), "warm-blue").inputs.spec.replicas, 3);
    assert.equal(
      one(own("kubernetes:policy/v1:PodDisruptionBudget"), "warm-blue").inputs.spec.minAvailable,
      2,
    );
  });

  it("scales the old colour to idleReplicas after scaleDownDelaySeconds", async () => {
    routeState["cold"] = { flippedAt: new Date(Date.now() - 601_000).toISOString(), previousColour: "blue" };
    const { own } = await build("cold", { live: "green", scaleDownDelaySeconds: 600, idleReplicas: 1 });
    assert.equal(one(own("kubernetes:apps/v1:Deployment"), "cold-blue").inputs.spec.replicas, 1);
  });

  it("autoscales only the live colour and copies its floor to the colour being promoted", async () => {
    const autoscaling = { minReplicas: 5, maxReplicas: 10, targetCpuPercent: 60 };
    const { own } = await build("scaled", { live: "green", autoscaling });
    const hpas = own("kubernetes:autoscaling/v2:HorizontalPodAutoscaler");
    assert.deepEqual(
      hpas.map((h) => h.name),
      ["scaled-green"],
    );
    assert.equal(hpas[0].inputs.spec.minReplicas, 5);
    assert.equal(hpas[0].inputs.spec.scaleTargetRef.name, "scaled-green");
    assert.equal(one(own("kubernetes:apps/v1:Deployment"), "scaled-green").inputs.spec.replicas, 5);
  });

  it("publishes one more Route per alias, without a preview host", async () => {
    const { own } = await build("aliased", { aliases: ["www.shop.example.com"] });
    const routes = own(ROUTE_TYPE);
    assert.deepEqual(routes.map((r) => r.name).sort(), ["aliased", "aliased-www.shop.example.com"]);
    const alias = one(routes, "aliased-www.shop.example.com").inputs;
    assert.equal(alias.host, "www.shop.example.com");
    assert.equal(alias.previewHost, undefined);
    assert.deepEqual(alias.backends, one(routes, "aliased").inputs.backends);
  });

  it("declares no Route without etcd connection settings", async () => {
    const { own } = await build("k8s-only", { etcd: undefined });
    assert.equal(own(ROUTE_TYPE).length, 0);
    assert.equal(own("kubernetes:apps/v1:Deployment").length, 2);
  });

  it("refuses to build an app without probes or limits", () => {
    const { healthCheckPath: _h, ...noProbes } = shop;
    assert.throws(
      () => new BlueGreenService("noprobe", noProbes as BlueGreenServiceArgs),
      /app noprobe cannot be deployed: missing healthCheckPath/,
    );
    const noLimits = { ...shop, resources: { requests: shop.resources.requests } } as BlueGreenServiceArgs;
    assert.throws(
      () => new BlueGreenService("nolimits", noLimits),
      /app nolimits cannot be deployed: missing resources.limits.cpu; missing resources.limits.memory/,
    );
  });
});
