/**
 * The Route's operations (create, update, delete, refresh) against a real single-member etcd, with
 * the agents played by status records: each simulated agent reads the route records and reports
 * them the way hosts/agent/status.ts does, healthy or not as the test decides. What HAProxy makes of
 * it end to end is test/apps/route.integration.test.ts; here every failure path is cheap to reach.
 */
import assert from "node:assert/strict";
import { after, afterEach, before, describe, it } from "node:test";
import type { Etcd3 } from "etcd3";
import {
  agentStatusKey,
  agentStatusPrefix,
  parseRoute,
  routeKey,
  routesPrefix,
  serializeAgentStatus,
  serializeRoute,
} from "../../model/etcd/schema";
import type { AgentStatus, Colour, RouteStatus } from "../../model/etcd/schema";
import { startEtcdCluster } from "../../hosts/testbed";
import type { EtcdCluster } from "../../hosts/testbed";
import {
  create,
  diff,
  read,
  remove,
  routeRecord,
  RouteError,
  update,
  type RouteInputs,
  type RouteOutputs,
} from "../../components/apps/route/operations";

let etcd: EtcdCluster;
let client: Etcd3;

/** How a simulated agent treats the routes it reads. */
interface AgentBehaviour {
  /** Servers UP per colour (of 2 configured); default 2 for both. */
  up?: Partial<Record<Colour, number>>;
  /** Report this revision instead of the route's (an agent that lags behind). */
  staleRevision?: number;
  /** Refuse to serve every route with this reason. */
  refuse?: string;
}

interface SimulatedAgent {
  /** Resolves once the first status record is written. */
  ready: Promise<void>;
  stop(): Promise<void>;
}

/** A loop that reports every route record as served, as a live agent's status would. */
function simulateAgent(id: string, behaviour: AgentBehaviour = {}): SimulatedAgent {
  let running = true;
  let reported: () => void = () => undefined;
  const ready = new Promise<void>((r) => (reported = r));
  const loop = (async () => {
    while (running) {
      const records = await client.getAll().prefix(routesPrefix).exec();
      const routes: Record<string, RouteStatus> = {};
      const backends: AgentStatus["backends"] = {};
      for (const kv of records.kvs) {
        const parsed = parseRoute(kv.value);
        if (!parsed.ok) continue;
        const r = parsed.value;
        const modRevision = behaviour.staleRevision ?? Number(kv.mod_revision);
        routes[r.host] = behaviour.refuse
          ? { desiredColour: r.liveColour, state: "refused", reason: behaviour.refuse, modRevision }
          : { desiredColour: r.liveColour, liveColour: r.liveColour, state: "live", modRevision };
        for (const colour of ["blue", "green"] as const)
          backends[`${r.app}/${colour}`] = { up: behaviour.up?.[colour] ?? 2, total: 2 };
      }
      const status: AgentStatus = {
        agentId: id,
        appliedRevision: Number(records.header.revision),
        updatedAt: new Date().toISOString(),
        routes,
        backends,
        rejected: [],
      };
      await client.put(agentStatusKey(id)).value(serializeAgentStatus(status));
      reported();
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    ready,
    stop: async () => {
      running = false;
      await loop;
      await client.delete().key(agentStatusKey(id));
    },
  };
}

const HOST = "shop.example.test";

function inputs(live: Colour, extra: Partial<RouteInputs> = {}): RouteInputs {
  return {
    host: HOST,
    app: "shop",
    live,
    backends: {
      blue: { port: 8080, healthCheckPath: "/health" },
      green: { port: 8081, healthCheckPath: "/ready" },
    },
    minHealthy: 1,
    previewHost: `preview.${HOST}`,
    etcd: { endpoints: etcd.endpoints },
    // Generous windows: a confirmation ends the wait at once, so only a loaded machine uses them.
    gate: { healthTimeoutMs: 5000, verifyTimeoutMs: 5000, pollMs: 20, smokeCheckUrls: [] },
    ...extra,
  };
}

/** Short windows for the tests that expect the gate or the confirmation to fail. */
function failing(live: Colour, extra: Partial<RouteInputs> = {}): RouteInputs {
  const i = inputs(live, extra);
  return { ...i, gate: { ...i.gate, healthTimeoutMs: 200, verifyTimeoutMs: 200 } };
}

async function stored(): Promise<{ value: string; modRevision: number } | undefined> {
  const kv = (await client.get(routeKey(HOST)).exec()).kvs[0];
  return kv ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) } : undefined;
}

describe("Route operations against etcd", { timeout: 120_000 }, () => {
  const agents: SimulatedAgent[] = [];
  const agent = async (id: string, behaviour?: AgentBehaviour) => {
    const a = simulateAgent(id, behaviour);
    agents.push(a);
    await a.ready;
    return a;
  };

  before(async () => {
    etcd = await startEtcdCluster({ members: 1 });
    client = etcd.client;
  });
  after(async () => {
    await etcd?.stop();
  });
  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await client.delete().prefix(routesPrefix);
    await client.delete().prefix(agentStatusPrefix);
  });

  it("create publishes the record and returns once every agent serves it", async () => {
    await agent("agent-1");
    await agent("agent-2");
    const { id, outs } = await create(inputs("blue"));
    assert.equal(id, routeKey(HOST));
    assert.equal(outs.key, routeKey(HOST));
    const now = await stored();
    assert.equal(outs.modRevision, now?.modRevision);
    assert.equal(now?.value, serializeRoute(routeRecord(inputs("blue"))));
    assert.equal(outs.flippedAt, undefined);
  });

  it("create with no agent at all publishes: a first release has nothing to protect", async () => {
    const { outs } = await create(inputs("green"));
    assert.equal((await stored())?.modRevision, outs.modRevision);
  });

  it("create withdraws the record when an agent refuses it, naming the agent", async () => {
    await agent("agent-1");
    await agent("agent-2", { refuse: "green has 0 of 1 required servers UP" });
    await assert.rejects(create(failing("green")), (e: Error) => {
      assert.equal(e.name, "RouteError");
      assert.match(
        e.message,
        /^route shop\.example\.test → green was not confirmed by every agent; withdrawn/,
      );
      assert.match(e.message, /agent agent-2: green has 0 of 1 required servers UP/);
      assert.doesNotMatch(e.message, /agent agent-1/);
      return true;
    });
    assert.equal(await stored(), undefined, "the half-created route is gone");
  });

  it("create withdraws the record when an agent never applies it in the window", async () => {
    await agent("agent-1", { staleRevision: 1 });
    await assert.rejects(
      create(failing("blue")),
      /agent agent-1: has not applied revision \d+ of shop\.example\.test/,
    );
    assert.equal(await stored(), undefined);
  });

  it("create refuses a key that already exists instead of overwriting it", async () => {
    const outside = serializeRoute(routeRecord(inputs("green")));
    await client.put(routeKey(HOST)).value(outside);
    await assert.rejects(create(inputs("blue")), (e: Error) => {
      assert.match(
        e.message,
        /already exists \(mod revision \d+\), written outside this stack; not overwriting it/,
      );
      assert.ok(e.message.includes(outside), e.message);
      return true;
    });
    assert.equal((await stored())?.value, outside);
  });

  it("update flips to a healthy colour and records the flip", async () => {
    await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    const res = await update(outs.key, outs, inputs("green"));
    assert.equal(res.outs.live, "green");
    assert.equal(res.outs.previousColour, "blue");
    assert.ok(res.outs.flippedAt && Math.abs(Date.now() - Date.parse(res.outs.flippedAt)) < 60_000);
    assert.ok(res.outs.modRevision > outs.modRevision);
    assert.equal(JSON.parse((await stored())!.value).liveColour, "green");
    // A later change that is not a flip keeps the flip's record (warm rollback still knows it).
    const later = await update(res.outs.key, res.outs, inputs("green", { minHealthy: 2 }));
    assert.equal(later.outs.previousColour, "blue");
    assert.equal(later.outs.flippedAt, res.outs.flippedAt);
    assert.equal(JSON.parse((await stored())!.value).minHealthy, 2);
  });

  it("update without a route change writes nothing and keeps the new connection settings", async () => {
    await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    const moved = { endpoints: etcd.endpoints, ca: undefined };
    const res = await update(outs.key, outs, inputs("blue", { etcd: moved }));
    assert.equal(res.outs.modRevision, outs.modRevision);
    assert.equal((await stored())?.modRevision, outs.modRevision);
    assert.deepEqual(res.outs.etcd, moved);
  });

  it("update refuses to flip to a colour below minHealthy and leaves the record untouched", async () => {
    await agent("agent-1", { up: { green: 0 } });
    const { outs } = await create(inputs("blue"));
    const before = await stored();
    await assert.rejects(update(outs.key, outs, failing("green")), (e: Error) => {
      assert.match(e.message, /^refused to flip shop\.example\.test from blue to green; blue stays live/);
      assert.match(e.message, /agent agent-1: green has 0 of 1 required servers UP \(2 configured\)/);
      return true;
    });
    assert.deepEqual(await stored(), before);
  });

  it("update refuses a flip whose smoke check through the preview host fails", async () => {
    await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    const before = await stored();
    const dead = "http://127.0.0.1:9";
    const gate = { ...inputs("green").gate, smokeCheckUrls: [dead] };
    await assert.rejects(update(outs.key, outs, inputs("green", { gate })), (e: Error) => {
      assert.ok(e.message.includes(`smoke check preview.${HOST}/ready via ${dead} failed`), e.message);
      return true;
    });
    assert.deepEqual(await stored(), before);
  });

  it("update returns the whole previous record when the flip is not confirmed", async () => {
    const healthy = await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    const before = await stored();
    await healthy.stop();
    agents.splice(0);
    // Healthy at the gate, but it never confirms the new revision.
    await agent("agent-1", { staleRevision: outs.modRevision });
    await assert.rejects(update(outs.key, outs, failing("green", { minHealthy: 2 })), (e: Error) => {
      assert.match(
        e.message,
        /^flip of shop\.example\.test from blue to green was not confirmed by every agent/,
      );
      assert.match(e.message, /route returned to blue \(revision \d+\)/);
      assert.match(e.message, /has not applied revision/);
      return true;
    });
    const now = await stored();
    assert.equal(now?.value, before?.value, "the previous record, minHealthy included");
    assert.ok(now!.modRevision > before!.modRevision);
  });

  it("update reports a change made outside the stack instead of overwriting it", async () => {
    await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    const outside = serializeRoute(routeRecord(inputs("blue", { minHealthy: 2 })));
    const { header } = await client.put(routeKey(HOST)).value(outside).exec();
    await assert.rejects(update(outs.key, outs, inputs("green")), (e: Error) => {
      assert.ok(
        e.message.includes(
          `changed outside the stack (mod revision ${header.revision}, expected ${outs.modRevision})`,
        ),
        e.message,
      );
      return true;
    });
    assert.equal((await stored())?.value, outside);
  });

  it("update after a reverted release retries once at the current revision", async () => {
    await agent("agent-1");
    const { outs } = await create(inputs("blue"));
    // What a revert does: the same record written back, at a newer revision than the state holds.
    await client.put(routeKey(HOST)).value((await stored())!.value);
    const res = await update(outs.key, outs, inputs("green"));
    assert.equal(JSON.parse((await stored())!.value).liveColour, "green");
    assert.equal(res.outs.modRevision, (await stored())?.modRevision);
  });

  it("delete removes the record, accepts one already gone, and refuses one changed outside", async () => {
    const { outs } = await create(inputs("blue"));
    await remove(outs.key, outs);
    assert.equal(await stored(), undefined);
    await remove(outs.key, outs);
    const again = await create(inputs("blue"));
    await client.put(routeKey(HOST)).value(serializeRoute(routeRecord(inputs("green"))));
    await assert.rejects(remove(again.outs.key, again.outs), /changed outside the stack/);
    assert.notEqual(await stored(), undefined);
  });

  it("refresh adopts what etcd holds, and reports a deleted route as gone", async () => {
    const { outs } = await create(inputs("blue"));
    const changed = routeRecord(inputs("green", { minHealthy: 2, previewHost: undefined }));
    await client.put(routeKey(HOST)).value(serializeRoute(changed));
    const res = await read(outs.key, outs);
    const props = res.props as RouteOutputs;
    assert.equal(res.id, outs.key);
    assert.equal(props.live, "green");
    assert.equal(props.minHealthy, 2);
    assert.equal(props.previewHost, undefined);
    assert.deepEqual(props.backends, inputs("blue").backends);
    assert.equal(props.healthCheck, undefined, "default timing stays out of the state");
    assert.equal(props.modRevision, (await stored())?.modRevision);
    const timed = routeRecord(inputs("green", { healthCheck: { intervalMs: 500, rise: 3, fall: 4 } }));
    await client.put(routeKey(HOST)).value(serializeRoute(timed));
    const retimed = (await read(outs.key, outs)).props as RouteOutputs;
    assert.deepEqual(retimed.healthCheck, { intervalMs: 500, rise: 3, fall: 4 });
    assert.equal(retimed.previewHost, `preview.${HOST}`);
    await client.delete().key(routeKey(HOST));
    assert.deepEqual(await read(outs.key, outs), {});
    await client.put(routeKey(HOST)).value("{broken");
    await assert.rejects(read(outs.key, outs), /holds an invalid record/);
  });

  it("diff: host or app replace the Route, other inputs update it in place", () => {
    const olds = { ...inputs("blue"), key: routeKey(HOST), modRevision: 5 } as RouteOutputs;
    assert.deepEqual(diff(olds, inputs("blue")), { changes: false, replaces: [], detailedDiff: {} });
    assert.deepEqual(diff(olds, inputs("green", { app: "shop2" })), {
      changes: true,
      replaces: ["app"],
      detailedDiff: {
        app: { kind: "update-replace", inputDiff: true },
        live: { kind: "update", inputDiff: true },
      },
    });
    const gate = { ...inputs("blue").gate, pollMs: 99 };
    assert.deepEqual(diff(olds, inputs("blue", { host: "other.example.test", gate })).detailedDiff, {
      host: { kind: "update-replace", inputDiff: true },
      gate: { kind: "update", inputDiff: true },
    });
  });
});

describe("RouteError", () => {
  it("lists each reason on its own line under the summary, or is the summary alone", () => {
    const e = new RouteError("refused to flip a.example.com", ["agent a: refused", "agent b: pending"]);
    assert.equal(e.name, "RouteError");
    assert.equal(e.message, "refused to flip a.example.com:\n  - agent a: refused\n  - agent b: pending");
    assert.deepEqual(e.reasons, ["agent a: refused", "agent b: pending"]);
    assert.equal(new RouteError("nothing to do").message, "nothing to do");
    assert.deepEqual(new RouteError("nothing to do").reasons, []);
  });
});
