/** The decisions behind BlueGreenService, without Pulumi: validation, colour sizing, object specs. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { disruptionBudget, isWarm, planColours } from "../../components/apps/colourPlan";
import { AppSpecError, appSpecProblems, assertDeployable } from "../../components/apps/validate";
import { autoscalerSpec, deploymentSpec, serviceSpec } from "../../components/apps/workload";
import { serviceLabels } from "../../model/labels";
import type { BlueGreenServiceArgs } from "../../components/apps/types";
import { shop } from "./support/fixtures";
const NOW = Date.parse("2026-11-27T12:00:00Z");
const base = {
  live: "green" as const,
  replicas: { blue: 3, green: 4 },
  idleReplicas: 0,
  scaleDownDelaySeconds: 600,
  now: NOW,
};

describe("app spec validation", () => {
  it("accepts a complete app", () => {
    assert.deepEqual(appSpecProblems(shop), []);
  });

  it("refuses an app without a health check path, naming the app and the field", () => {
    const { healthCheckPath: _omit, ...noProbe } = shop;
    assert.throws(
      () => assertDeployable("shop", noProbe),
      (e: unknown) =>
        e instanceof AppSpecError &&
        /^app shop cannot be deployed: missing healthCheckPath \(readiness and liveness probes/.test(
          e.message,
        ),
    );
  });

  it("refuses an app without limits and lists every missing quantity", () => {
    const noLimits = {
      ...shop,
      resources: { requests: shop.resources.requests },
    } as unknown as BlueGreenServiceArgs;
    assert.deepEqual(appSpecProblems(noLimits), [
      "missing resources.limits.cpu",
      "missing resources.limits.memory",
    ]);
    assert.throws(
      () => assertDeployable("cart", noLimits),
      /app cart cannot be deployed: missing resources.limits.cpu/,
    );
  });

  it("refuses malformed quantities, wildcard aliases and minHealthy above the live size", () => {
    const bad = {
      ...shop,
      aliases: ["*.example.com"],
      minHealthy: 5,
      resources: { requests: shop.resources.requests, limits: { cpu: "lots", memory: "512Mi" } },
    };
    assert.deepEqual(appSpecProblems(bad), [
      'alias "*.example.com" is not an exact DNS name (routes have no wildcards)',
      'resources.limits.cpu "lots" is not a quantity',
      "minHealthy 5 exceeds blue.replicas 3",
    ]);
  });
});

describe("colour plan", () => {
  it("never flipped: live at full size, the other colour at idleReplicas", () => {
    const plan = planColours({ ...base, idleReplicas: 1 });
    assert.deepEqual(plan.green, { role: "live", replicas: 4 });
    assert.deepEqual(plan.blue, { role: "idle", replicas: 1 });
  });

  it("keeps the colour flipped away from warm at full size within scaleDownDelaySeconds", () => {
    const flippedAt = new Date(NOW - 599_000).toISOString();
    const plan = planColours({ ...base, flippedAt, previousColour: "blue" });
    assert.deepEqual(plan.blue, { role: "warm", replicas: 3 });
  });

  it("scales the old colour to idleReplicas once the delay has passed", () => {
    const flippedAt = new Date(NOW - 600_000).toISOString();
    assert.deepEqual(planColours({ ...base, flippedAt, previousColour: "blue" }).blue, {
      role: "idle",
      replicas: 0,
    });
    assert.equal(isWarm(flippedAt, 600, NOW), false);
    assert.equal(isWarm(flippedAt, 601, NOW), true);
  });

  it("does not keep a colour warm that was not the one flipped away from", () => {
    // Config says live: green, but the last recorded flip went blue → green → the idle colour is blue;
    // a record saying green was previous (a flip back that has not happened) must not warm blue.
    const flippedAt = new Date(NOW - 1000).toISOString();
    assert.equal(planColours({ ...base, flippedAt, previousColour: "green" }).blue.role, "idle");
  });

  it("copies the autoscaling floor to the colour being promoted and to the warm colour", () => {
    const autoscaling = { minReplicas: 6, maxReplicas: 12, targetCpuPercent: 70 };
    const flippedAt = new Date(NOW - 1000).toISOString();
    const plan = planColours({ ...base, autoscaling, flippedAt, previousColour: "blue" });
    assert.deepEqual(plan.green, {
      role: "live",
      replicas: 6,
      autoscaling: { minReplicas: 6, maxReplicas: 12, targetCpuPercent: 70 },
    });
    assert.equal(plan.blue.replicas, 6);
    assert.equal(autoscalerSpec("shop", "green", plan.green)?.minReplicas, 6);
  });

  it("gives serving colours a PDB floor of minHealthy and idle colours a drain budget", () => {
    assert.deepEqual(disruptionBudget({ role: "live", replicas: 3 }, 2), { minAvailable: 2 });
    assert.deepEqual(disruptionBudget({ role: "warm", replicas: 1 }, 2), { minAvailable: 1 });
    assert.deepEqual(disruptionBudget({ role: "idle", replicas: 0 }, 2), { maxUnavailable: 1 });
  });
});

describe("object specs", () => {
  it("renders probes on the health path, limits, the named port and colour labels", () => {
    const spec = deploymentSpec("shop", "green", shop.green.image, shop, { role: "live", replicas: 3 });
    const c = (spec.template as unknown as { spec: { containers: Record<string, unknown>[] } }).spec
      .containers[0];
    assert.deepEqual(spec.selector, { matchLabels: { app: "shop", colour: "green" } });
    assert.equal(c.image, "ghcr.io/switchyard/shop:1.5.0");
    assert.deepEqual(c.ports, [{ name: "http", containerPort: 8080, protocol: "TCP" }]);
    assert.deepEqual(c.resources, {
      requests: { cpu: "250m", memory: "256Mi" },
      limits: { cpu: "1", memory: "512Mi" },
    });
    assert.deepEqual((c.readinessProbe as { httpGet: unknown }).httpGet, { path: "/healthz", port: "http" });
    assert.deepEqual((c.livenessProbe as { httpGet: unknown }).httpGet, { path: "/healthz", port: "http" });
  });

  it("gives each colour its own ClusterIP Service selecting only that colour, labelled for the registrar", () => {
    assert.deepEqual(serviceLabels("shop", "blue"), {
      app: "shop",
      colour: "blue",
      "switchyard.io/routed": "true",
    });
    assert.deepEqual(serviceSpec("shop", "blue", shop), {
      type: "ClusterIP",
      selector: { app: "shop", colour: "blue" },
      ports: [{ name: "http", port: 8080, targetPort: "http", protocol: "TCP" }],
    });
  });
});
