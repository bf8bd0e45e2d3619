// Failure behaviour against real etcd members and real HAProxy processes killed with SIGKILL.
import { after, afterEach, before, test } from "node:test";
import assert from "node:assert/strict";
import { connectEtcd } from "../../../model/etcd/connection";
import { routeKey, serializeRoute } from "../../../model/etcd/schema";
import { Testbed, sleep } from "../../../hosts/testbed";
import type { Colour } from "../../../model/etcd/schema";

let bed: Testbed;
const HOST = "api.example.com";

before(async () => {
  bed = await Testbed.start({ agents: 2 });
  await bed.deployApp({ app: "api", host: HOST, replicas: 2 });
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("api", "green", (n) => n === 2);
});

after(async () => {
  await bed?.stop();
});

// A test that fails half-way leaves its load running: stop it before the next test starts.
afterEach(() => bed?.stopLoads());

async function flip(): Promise<Colour> {
  const next = bed.otherColourOf((await bed.readRoute(HOST)).liveColour);
  await bed.setLiveColour(HOST, next);
  await bed.waitForColour(HOST, next);
  return next;
}

test("losing one etcd member during flips changes nothing for traffic or convergence", async () => {
  const load = bed.startLoad([HOST], 12);
  for (let i = 0; i < 4; i++) await flip();
  await bed.etcd.members[0].kill();
  for (let i = 0; i < 8; i++) await flip();
  await bed.etcd.members[0].restart();
  for (let i = 0; i < 2; i++) await flip();
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.resets, 0);
});

test("after a full etcd outage (10 s) every agent applies the next flip within 2 s", async () => {
  const live = (await bed.readRoute(HOST)).liveColour;
  const load = bed.startLoad([HOST], 8);
  const down = performance.now();
  await bed.etcd.killAll();
  try {
    for (const a of bed.agents) {
      await waitFor(async () => (await a.status()).etcdConnected === false, "agent notices etcd is gone");
    }
    await sleep(10_000 - (performance.now() - down));
    assert.deepEqual(await bed.colours(HOST), [live, live]);
    const during = load.snapshot();
    assert.equal(during.failures, 0, during.failureSamples.join("\n"));
    assert.ok(during.byColour[live] > 100);
  } finally {
    // Also after a failed assertion: the tests after this one need etcd.
    await bed.etcd.restartAll();
  }
  const next = bed.otherColourOf(live);
  await bed.setLiveColour(HOST, next);
  const ms = await bed.waitForColour(HOST, next, 2000);
  console.log(`flip applied by every agent ${Math.round(ms)} ms after it was written`);
  await bed.waitForStatus("status written again", (s) => s.routes[HOST]?.liveColour === next, 30_000);
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  for (const a of bed.agents) {
    const s = await a.status();
    assert.equal(s.etcdConnected, true);
    const etcd = s.etcd as { watching: boolean; lastProgressAgeMs: number };
    assert.equal(etcd.watching, true);
    assert.ok(etcd.lastProgressAgeMs < 2000, `last progress ${etcd.lastProgressAgeMs} ms ago`);
  }
});

test("a member that hangs (SIGSTOP) loses its watchers: a flip committed through the others applies within 3 s", async () => {
  const [agent] = bed.agents;
  const member = (await agent.status()).etcd as { member: string; reconnects: number };
  const hung = bed.etcd.members.find((m) => m.clientUrl === member.member)!;
  // Written through the other members only, so the flip is committed right after the hang begins.
  const others = connectEtcd({ endpoints: bed.etcd.endpoints.filter((e) => e !== hung.clientUrl) });
  const route = await bed.readRoute(HOST);
  const next = bed.otherColourOf(route.liveColour);
  const load = bed.startLoad([HOST], 8);
  hung.pause();
  try {
    await others.put(routeKey(HOST)).value(serializeRoute({ ...route, liveColour: next }));
    const ms = await bed.waitForColour(HOST, next, 3000);
    console.log(`flip applied by every agent ${Math.round(ms)} ms after it was committed`);
    const now = (await agent.status()).etcd as { member: string; watching: boolean };
    assert.notEqual(now.member, hung.clientUrl, "the watch moved to another member");
    assert.equal(now.watching, true);
    assert.match(agent.logs(), /etcd watch lost; resuming on the next member.*member did not answer/);
  } finally {
    hung.resume();
    others.close();
  }
  await flip();
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
});

test("a watch that resumes after compaction lists again and converges", async () => {
  // This agent only knows the first member, so it misses everything while that member is down.
  const lonely = await bed.addAgent({ id: "lonely", etcdEndpoints: [bed.etcd.endpoints[0]] });
  try {
    const live = (await bed.readRoute(HOST)).liveColour;
    await bed.waitForColour(HOST, live);
    await bed.etcd.members[0].kill();
    const next = bed.otherColourOf(live);
    const rev = await bed.setLiveColour(HOST, next);
    // Churn, then compact past the revision the lonely agent will resume from.
    for (let i = 0; i < 5; i++) await bed.etcd.client.put("/switchyard/v1/churn").value(String(i));
    const latest = Number((await bed.etcd.client.put("/switchyard/v1/churn").value("x")).header.revision);
    assert.ok(latest > rev);
    await bed.etcd.client.delete().key("/switchyard/v1/churn");
    await bed.etcd.client.kv.compact({ revision: String(latest), physical: true });
    await bed.etcd.members[0].restart();
    await bed.waitForColour(HOST, next, 30_000);
    assert.match(lonely.logs(), /etcd watch cancelled; listing again/);
  } finally {
    await bed.removeAgent(lonely);
  }
});

test("an agent killed and restarted under load disturbs no request and adopts its HAProxy", async () => {
  const [agent] = bed.agents;
  const haproxyBefore = agent.haproxyPid();
  assert.ok(haproxyBefore);
  const load = bed.startLoad([HOST], 12);
  await agent.stop("SIGKILL");
  // While the agent is down the other agent keeps following etcd; this one catches up on restart.
  const next = bed.otherColourOf((await bed.readRoute(HOST)).liveColour);
  await bed.setLiveColour(HOST, next);
  await sleep(500);
  await agent.start();
  await bed.waitForColour(HOST, next);
  await flip();
  const result = await load.stop();
  assert.equal(result.failures, 0, result.failureSamples.join("\n"));
  assert.equal(result.resets, 0, "restarting the agent must not touch HAProxy's connections");
  assert.equal(agent.haproxyPid(), haproxyBefore, "HAProxy was not restarted");
  assert.match(agent.logs(), /adopting the running HAProxy/);
  assert.match(await agent.metrics(), /^switchyard_agent_reloads_total 0$/m);
});

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) assert.fail(`timed out: ${what}`);
    await sleep(100);
  }
}

test("a HAProxy that dies is started again by its agent, and not while it only reloads", async () => {
  const [agent] = bed.agents;
  const live = (await bed.readRoute(HOST)).liveColour;
  const pid = agent.haproxyPid();
  assert.ok(pid);
  // Master and workers at once (the daemonised master leads its process group), as an OOM kill would.
  process.kill(-pid, "SIGKILL");
  await bed.waitForColour(HOST, live, 20_000);
  const restarted = agent.haproxyPid();
  assert.ok(restarted && restarted !== pid, "a new HAProxy master runs");
  await flip();
  const starts = agent
    .logs()
    .split("\n")
    .filter((l) => l.includes('"msg":"started HAProxy"'));
  assert.equal(starts.length, 2, "started at the beginning and after the kill, never around a reload");
});
