/** The Route's reading of agent status records: the gate before a flip and the confirmation after. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { AgentStatus } from "../../model/etcd/schema";
import { confirmation, healthGate } from "../../components/apps/route/gate";
import type { AgentReport } from "../../components/apps/route/gate";

function agent(id: string, over: Partial<AgentStatus> = {}): AgentReport {
  return {
    agentId: id,
    status: {
      agentId: id,
      appliedRevision: 10,
      updatedAt: "2026-11-27T12:00:00Z",
      routes: {
        "shop.example.com": { desiredColour: "green", liveColour: "green", state: "live", modRevision: 10 },
      },
      backends: { "shop/blue": { up: 3, total: 3 }, "shop/green": { up: 3, total: 3 } },
      rejected: [],
      ...over,
    },
  };
}

const route = { host: "shop.example.com", app: "shop", target: "green" as const, minHealthy: 2 };

describe("health gate", () => {
  it("passes when every agent sees minHealthy servers of the target UP", () => {
    assert.deepEqual(healthGate([agent("a"), agent("b")], "shop", "green", 2), { ok: true, reasons: [] });
  });

  it("names each agent that sees too few servers, or no backend, or whose status is unreadable", () => {
    const v = healthGate(
      [
        agent("a", { backends: { "shop/green": { up: 1, total: 3 } } }),
        agent("b", { backends: {} }),
        { agentId: "c", error: "invalid: routes: expected record" },
      ],
      "shop",
      "green",
      2,
    );
    assert.deepEqual(v, {
      ok: false,
      reasons: [
        "agent a: green has 1 of 2 required servers UP (3 configured)",
        "agent b: has no green backend for shop",
        "agent c: unreadable status (invalid: routes: expected record)",
      ],
    });
  });

  it("refuses with no live agent at all", () => {
    assert.equal(healthGate([], "shop", "green", 1).ok, false);
  });
});

describe("confirmation", () => {
  it("holds when every agent serves the target at our revision or later with enough servers UP", () => {
    assert.equal(confirmation([agent("a"), agent("b")], route, 10).ok, true);
    assert.equal(confirmation([agent("a")], route, 9).ok, true);
  });

  it("waits for an agent still on an older revision", () => {
    assert.deepEqual(confirmation([agent("a")], route, 11).reasons, [
      "agent a: has not applied revision 11 of shop.example.com (reports 10)",
    ]);
  });

  it("does not count a host reported live on a colour with too few servers UP", () => {
    const v = confirmation([agent("a", { backends: { "shop/green": { up: 0, total: 3 } } })], route, 10);
    assert.deepEqual(v.reasons, ["agent a: serves green with 0 of 2 required servers UP"]);
  });

  it("reports an agent's refusal with its reason", () => {
    const refused = agent("a", {
      routes: {
        "shop.example.com": {
          desiredColour: "green",
          liveColour: "blue",
          state: "refused",
          reason: "refused to flip to green: 1 of 2 required servers UP; blue stays live",
          modRevision: 10,
        },
      },
    });
    assert.deepEqual(confirmation([refused], route, 10).reasons, [
      "agent a: refused to flip to green: 1 of 2 required servers UP; blue stays live",
    ]);
  });

  it("lets a first publish through with no agents, but never a flip", () => {
    assert.equal(confirmation([], route, 10, true).ok, true);
    assert.equal(confirmation([], route, 10).ok, false);
  });

  it("names what each agent is stuck on: unreadable status, a pending host, another colour, a bare refusal, no record", () => {
    const seen = (r: object) =>
      agent("a", {
        routes: { "shop.example.com": { desiredColour: "green", modRevision: 10, ...r } as never },
      });
    const unreadable: AgentReport = { agentId: "b", error: "bad-json: Unexpected token" };
    const reasons = (...reports: AgentReport[]) => confirmation(reports, route, 10).reasons;
    assert.deepEqual(reasons(unreadable), ["agent b: unreadable status (bad-json: Unexpected token)"]);
    assert.deepEqual(reasons(seen({ state: "pending" })), ["agent a: pending, serving nothing"]);
    assert.deepEqual(reasons(seen({ state: "pending", liveColour: "blue", reason: "waiting for members" })), [
      "agent a: pending, serving blue (waiting for members)",
    ]);
    assert.deepEqual(reasons(seen({ state: "live", liveColour: "blue" })), ["agent a: live, serving blue"]);
    // Pending on the target with its servers UP is still not confirmed: the host does not serve it yet.
    assert.deepEqual(reasons(seen({ state: "pending", liveColour: "green" })), [
      "agent a: pending, serving green",
    ]);
    assert.deepEqual(reasons(seen({ state: "refused", liveColour: "blue" })), ["agent a: refused"]);
    assert.deepEqual(reasons(agent("a", { routes: {} })), [
      "agent a: has not applied revision 10 of shop.example.com (reports nothing)",
    ]);
    assert.deepEqual(confirmation([], route, 10).reasons, [
      "no live agent reports status; refusing to flip without a single HAProxy host confirming",
    ]);
  });
});
