// Real etcd (3 members), two agents each with a real HAProxy, real blue/green HTTP backends.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { memberKey, routeKey, serializeMember } from "../../model/etcd/schema";
import { Testbed, get, startBackend } from "../../hosts/testbed";
import type { Backend } from "../../hosts/testbed";

let bed: Testbed;
const extra: Backend[] = [];
const HOST = "shop.example.com";

function metric(text: string, name: string): number {
  const m = new RegExp(`^${name} (\\S+)$`, "m").exec(text);
  assert.ok(m, `metric ${name} missing`);
  return Number(m[1]);
}

before(async () => {
  bed = await Testbed.start({ agents: 2 });
  await bed.deployApp({ app: "shop", host: HOST, replicas: 2, previewHost: "preview.shop.example.com" });
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("shop", "green", (n) => n === 2);
});

after(async () => {
  await bed?.stop();
  await Promise.all(extra.map((b) => b.close()));
});

test("flips under concurrent keep-alive load fail no request and never reload", async () => {
  const reloadsBefore = await Promise.all(
    bed.agents.map(async (a) => metric(await a.metrics(), "switchyard_agent_reloads_total")),
  );
  const load = bed.startLoad([HOST, "preview.shop.example.com"], 16);
  let colour: "blue" | "green" = "blue";
  for (let i = 0; i < 20; i++) {
    colour = colour === "blue" ? "green" : "blue";
    await bed.setLiveColour(HOST, colour);
    await bed.waitForColour(HOST, colour);
    // Each host's map entry switches atomically; the preview follows in the same batch of commands.
    await bed.waitForColour("preview.shop.example.com", bed.otherColourOf(colour), 1000);
  }
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.resets, 0, "no connection may be closed by a flip");
  assert.ok(result.requests > 500, `only ${result.requests} requests`);
  assert.ok(result.byColour.blue > 0 && result.byColour.green > 0);
  for (const [i, a] of bed.agents.entries()) {
    const m = await a.metrics();
    assert.equal(metric(m, "switchyard_agent_reloads_total"), reloadsBefore[i], "a flip must not reload");
    assert.ok(metric(m, "switchyard_agent_flips_total") >= 20);
    assert.equal(metric(m, "switchyard_agent_etcd_connected"), 1);
  }
  // Health checks of the in-process backends can flap on a loaded machine: wait for the report
  // that shows the last flip with both servers back UP.
  const statuses = await bed.waitForStatus(
    "status shows the last flip",
    (s) => s.routes[HOST]?.liveColour === colour && s.backends[`shop/${colour}`]?.up === 2,
  );
  assert.equal(statuses.length, 2);
  for (const s of statuses) {
    assert.equal(s.routes[HOST].state, "live");
    assert.deepEqual(s.backends[`shop/${colour}`], { up: 2, total: 2 });
  }
});

test("a flip to an unhealthy colour is refused, reported, and the live colour keeps serving", async () => {
  const live = (await bed.readRoute(HOST)).liveColour;
  const idle = bed.otherColourOf(live);
  bed.setHealthy("shop", idle, false);
  await bed.waitForHealth("shop", idle, (n) => n === 0);
  const load = bed.startLoad([HOST], 8);
  await bed.setLiveColour(HOST, idle);
  const statuses = await bed.waitForStatus("the refusal", (s) => s.routes[HOST]?.state === "refused");
  for (const s of statuses) {
    assert.equal(s.routes[HOST].liveColour, live);
    assert.equal(s.routes[HOST].desiredColour, idle);
    assert.match(
      s.routes[HOST].reason!,
      new RegExp(`refused to flip to ${idle}: 0 of 1 required servers UP`),
    );
  }
  assert.deepEqual(await bed.colours(HOST), [live, live]);
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.byColour[idle], 0);
  for (const a of bed.agents)
    assert.ok(metric(await a.metrics(), "switchyard_agent_refused_flips_total") >= 1);
  // Once the colour passes its checks the pending desire is honoured.
  bed.setHealthy("shop", idle, true);
  await bed.waitForColour(HOST, idle);
  await bed.waitForStatus("the flip after recovery", (s) => s.routes[HOST]?.state === "live");
});

test("members come and go through the Runtime API; only outgrowing the slots reloads", async () => {
  const live = (await bed.readRoute(HOST)).liveColour;
  const reloads = async () =>
    Promise.all(bed.agents.map(async (a) => metric(await a.metrics(), "switchyard_agent_reloads_total")));
  const before = await reloads();
  const load = bed.startLoad([HOST], 8);
  const b3 = await startBackend(live);
  extra.push(b3);
  await bed.etcd.client
    .put(memberKey("shop", live, "m3"))
    .value(serializeMember({ address: "127.0.0.1", port: b3.port }));
  await bed.waitForHealth("shop", live, (n) => n === 3);
  await waitServed(b3);
  assert.deepEqual(await reloads(), before, "adding a member into a free slot must not reload");
  await bed.etcd.client.delete().key(memberKey("shop", live, "m3"));
  await bed.waitForHealth("shop", live, (n) => n === 2);
  const servedAfterRemoval = b3.served;
  for (let i = 0; i < 50; i++) await get(bed.agents[0].port, HOST);
  assert.equal(b3.served, servedAfterRemoval, "a removed member gets no traffic");
  assert.deepEqual(await reloads(), before);
  // Five members do not fit into four slots: one seamless reload. HAProxy 2.6 closes idle keep-alive
  // connections of the old worker, so clients may have to retry (resets), but no request fails.
  for (let i = 3; i <= 5; i++) {
    const b = await startBackend(live);
    extra.push(b);
    await bed.etcd.client
      .put(memberKey("shop", live, `m${i}`))
      .value(serializeMember({ address: "127.0.0.1", port: b.port }));
  }
  await bed.waitForHealth("shop", live, (n) => n === 5);
  const after = await reloads();
  assert.ok(
    after.every((n, i) => n > before[i]),
    "growing past the slots reloads",
  );
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
});

test("a route removed and added back under load goes through the Runtime API: no reload, no reset", async () => {
  const reloads = async () =>
    Promise.all(bed.agents.map(async (a) => metric(await a.metrics(), "switchyard_agent_reloads_total")));
  const { route } = await bed.deployApp({ app: "cart", host: "cart.example.com" });
  await bed.waitForColour(route.host, "blue");
  const before = await reloads();
  const load = bed.startLoad([HOST], 8);
  await bed.etcd.client.delete().key(routeKey(route.host));
  await bed.waitForStatus(
    "cart withdrawn",
    (s) => s.routes[route.host] === undefined && !s.backends["cart/blue"],
  );
  for (const port of bed.ports) assert.equal((await get(port, route.host)).status, 404);
  await bed.writeRoute(route);
  await bed.waitForColour(route.host, "blue");
  const result = await load.stop();
  assert.deepEqual(await reloads(), before, "removing a route and bringing it back must not reload");
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.resets, 0, "no keep-alive connection was closed");
  await bed.etcd.client.delete().key(routeKey(route.host));
});

async function waitServed(b: Backend): Promise<void> {
  for (let i = 0; i < 200 && b.served === 0; i++) await get(bed.agents[i % 2].port, HOST);
  assert.ok(b.served > 0, "new member receives traffic");
}
