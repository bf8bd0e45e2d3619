/**
 * The Route's provider (create/diff/update/delete) against the real local data plane from the
 * agent's testbed: a 3-member etcd, two switchyard-agents each driving a real HAProxy, and real
 * blue/green HTTP backends.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { routeKey } from "../../model/etcd/schema";
import { Testbed, freePort } from "../../hosts/testbed";
import type { Backend } from "../../hosts/testbed";
import { routeProvider } from "../../components/apps/route/provider";
import type { RouteOutputs } from "../../components/apps/route/operations";
import type { Colour } from "../../model/validators";
import { closeBackends, deployColours, routeInputs } from "./support/dataPlane";

const APP = "shop";
const HOST = "shop.example.test";
const PREVIEW = "preview.shop.example.test";

let bed: Testbed;
let backends: Record<Colour, Backend[]>;
let state: RouteOutputs;

const inputs = (
  live: Colour,
  extra: Parameters<typeof routeInputs>[2] extends infer O ? Partial<O> : never = {},
) => routeInputs(bed, backends, { app: APP, host: HOST, live, previewHost: PREVIEW, ...extra });

async function etcdRoute(): Promise<{ liveColour: Colour; modRevision: number } | undefined> {
  const res = await bed.etcd.client.get(routeKey(HOST)).exec();
  const kv = res.kvs[0];
  return kv
    ? { liveColour: JSON.parse(kv.value.toString()).liveColour, modRevision: Number(kv.mod_revision) }
    : undefined;
}

async function update(live: Colour, extra: Parameters<typeof inputs>[1] = {}): Promise<RouteOutputs> {
  const res = await routeProvider.update!(state.key, state, inputs(live, extra));
  return res.outs as RouteOutputs;
}

describe("Route provider against etcd, agents and HAProxy", { timeout: 240_000 }, () => {
  before(async () => {
    // A status lease long enough that a killed agent is still counted by the gate on a loaded runner
    // (the "does not confirm" test below needs it to outlive the whole update).
    bed = await Testbed.start({ agents: 2, etcdMembers: 3, agentFlags: ["--status-ttl=60"] });
    backends = await deployColours(bed, APP, HOST);
  });

  after(async () => {
    await bed?.stop();
    if (backends) await closeBackends(backends);
  });

  it("create publishes the route and returns once every agent serves it", async () => {
    const res = await routeProvider.create(inputs("blue"));
    state = res.outs as RouteOutputs;
    assert.equal(res.id, routeKey(HOST));
    assert.deepEqual(await etcdRoute(), { liveColour: "blue", modRevision: state.modRevision });
    // A first publish makes each agent reload HAProxy (new backends); for a moment after an agent
    // reports the route live, its previous worker may still answer 404 (see docs/blue-green.md).
    await bed.waitForColour(HOST, "blue", 10_000);
    assert.deepEqual(await bed.colours(PREVIEW), ["green", "green"]);
    assert.equal(state.flippedAt, undefined);
  });

  it("refuses, before writing, a route that would take another route's host or app", async () => {
    const intruders = [
      {
        inputs: routeInputs(bed, backends, { app: "intruder", host: PREVIEW, live: "blue" }),
        why: /host preview\.shop\.example\.test is already the previewHost of route shop\.example\.test/,
      },
      {
        inputs: {
          ...routeInputs(bed, backends, { app: APP, host: "aaa.example.test", live: "blue" }),
          minHealthy: 1,
          backends: { ...inputs("blue").backends, blue: { port: 1, healthCheckPath: "/health" } },
        },
        why: /app shop is already routed by shop\.example\.test with different backends/,
      },
    ];
    for (const { inputs: i, why } of intruders) {
      await assert.rejects(routeProvider.create(i), (e: Error) => {
        assert.match(
          e.message,
          new RegExp(
            `route ${i.host.replace(/\./g, "\\.")} conflicts with a route already in etcd; nothing was written`,
          ),
        );
        assert.match(e.message, why);
        return true;
      });
      assert.equal((await bed.etcd.client.get(routeKey(i.host)).exec()).kvs.length, 0);
    }
    // An update that would claim another route's host is refused the same way (no members: minHealthy 0).
    const other = await routeProvider.create(
      routeInputs(bed, backends, { app: "other", host: "other.example.test", live: "blue", minHealthy: 0 }),
    );
    await assert.rejects(
      routeProvider.update!(
        other.id,
        other.outs as RouteOutputs,
        routeInputs(bed, backends, {
          app: "other",
          host: "other.example.test",
          live: "blue",
          minHealthy: 0,
          previewHost: HOST,
        }),
      ),
      /previewHost shop\.example\.test is already routed as a host/,
    );
    await routeProvider.delete!(other.id, other.outs as RouteOutputs);
  });

  it("diff shows a flip as an in-place update of live, and a host change as a replace", async () => {
    const flip = await routeProvider.diff!(state.key, state, inputs("green"));
    assert.deepEqual(flip, {
      changes: true,
      replaces: [],
      detailedDiff: { live: { kind: "update", inputDiff: true } },
    });
    const same = await routeProvider.diff!(state.key, state, inputs("blue"));
    assert.equal(same.changes, false);
    const moved = await routeProvider.diff!(state.key, state, {
      ...inputs("blue"),
      host: "other.example.test",
    });
    assert.deepEqual(moved.replaces, ["host"]);
  });

  it("flips to a healthy colour under load with no failed request, recording the flip", async () => {
    const load = bed.startLoad([HOST], 8);
    const before = state.modRevision;
    state = await update("green", {
      gate: { smokeCheckUrls: bed.ports.map((p) => `http://127.0.0.1:${p}`) },
    });
    const result = await load.stop();
    assert.equal(state.live, "green");
    assert.equal(state.previousColour, "blue");
    assert.ok(state.flippedAt && Date.now() - Date.parse(state.flippedAt) < 60_000);
    assert.ok(state.modRevision > before);
    assert.deepEqual(await bed.colours(HOST), ["green", "green"]);
    assert.equal(result.failures, 0, result.failureSamples.join("\n"));
    assert.ok(result.byColour.blue > 0 && result.byColour.green > 0, "traffic before and after the flip");
  });

  it("refuses to flip to an unhealthy colour, leaves the route untouched and names the reason", async () => {
    bed.setHealthy(APP, "blue", false);
    await bed.waitForHealth(APP, "blue", (up) => up === 0, 20_000);
    const before = await etcdRoute();
    await assert.rejects(update("blue", { gate: { healthTimeoutMs: 1500 } }), (e: Error) => {
      assert.match(e.message, /refused to flip shop\.example\.test from green to blue; green stays live/);
      assert.match(e.message, /agent agent-1: blue has 0 of 1 required servers UP/);
      assert.match(e.message, /agent agent-2: blue has 0 of 1 required servers UP/);
      return true;
    });
    assert.deepEqual(await etcdRoute(), before);
    assert.deepEqual(await bed.colours(HOST), ["green", "green"]);
    bed.setHealthy(APP, "blue", true);
    await bed.waitForHealth(APP, "blue", (up) => up >= 1, 20_000);
  });

  it("refuses a flip whose smoke check through the preview host fails", async () => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const before = await etcdRoute();
    await assert.rejects(update("blue", { gate: { smokeCheckUrls: [dead] } }), (e: Error) => {
      assert.match(e.message, /refused to flip shop\.example\.test from green to blue; green stays live/);
      assert.ok(
        e.message.includes(`smoke check preview.shop.example.test/health via ${dead} failed`),
        e.message,
      );
      return true;
    });
    assert.deepEqual(await etcdRoute(), before);
  });

  it("reports a change made outside the stack instead of overwriting it", async () => {
    const outside = await bed.setLiveColour(HOST, "blue");
    await assert.rejects(
      update("green", { minHealthy: 1, previewHost: "staging.shop.example.test" }),
      (e: Error) => {
        assert.match(
          e.message,
          new RegExp(
            `changed outside the stack \\(mod revision ${outside}, expected ${state.modRevision}\\)`,
          ),
        );
        assert.match(e.message, /"liveColour":"blue"/);
        return true;
      },
    );
    assert.deepEqual(await etcdRoute(), { liveColour: "blue", modRevision: outside });
    // `pulumi refresh` adopts what etcd holds; the next update then applies over it.
    const refreshed = await routeProvider.read!(state.key, state);
    state = refreshed.props as RouteOutputs;
    assert.equal(state.live, "blue");
    assert.equal(state.modRevision, outside);
    assert.equal(state.healthCheck, undefined, "default timing is not copied into the state");
    await bed.waitForColour(HOST, "blue");
  });

  it("returns to the previous colour when an agent does not confirm the flip in time", async () => {
    // agent-2 dies: its status stays in etcd until its lease (60 s here) expires, so the gate still counts
    // it, but it can never confirm the flip.
    const [, victim] = bed.agents;
    await victim.stop("SIGKILL");
    try {
      await assert.rejects(update("green", { gate: { verifyTimeoutMs: 1500 } }), (e: Error) => {
        assert.match(
          e.message,
          /flip of shop\.example\.test from blue to green was not confirmed by every agent \(route returned to blue/,
        );
        assert.match(e.message, /agent agent-2: has not applied revision \d+ of shop\.example\.test/);
        return true;
      });
      assert.equal((await etcdRoute())?.liveColour, "blue");
      assert.deepEqual(await bed.colours(HOST).then((c) => c[0]), "blue");
    } finally {
      await victim.start();
    }
    await bed.waitForColour(HOST, "blue", 20_000);
    // Pulumi keeps the state from before the failed release (an older mod revision); the revert wrote
    // that same record back, so retrying the release is not mistaken for a change outside the stack.
    state = await update("green");
    assert.equal(state.live, "green");
    await bed.waitForColour(HOST, "green", 20_000);
  });

  it("delete removes the route, and refuses when the route changed outside the stack", async () => {
    state = (await routeProvider.read!(state.key, state)).props as RouteOutputs;
    const outside = await bed.setLiveColour(HOST, "blue");
    await assert.rejects(routeProvider.delete!(state.key, state), /changed outside the stack/);
    state = { ...state, modRevision: outside };
    await routeProvider.delete!(state.key, state);
    assert.equal(await etcdRoute(), undefined);
    await bed.waitForStatus("route withdrawn", (s) => s.routes[HOST] === undefined, 20_000);
    // Deleting an already deleted route is the desired end state, not an error.
    await routeProvider.delete!(state.key, state);
  });
});
