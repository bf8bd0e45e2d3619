// 1,000 routes against the bundled agent (dist/agent/switchyard-agent.js, built here).
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { resolve } from "node:path";
import { Agent as HttpAgent } from "node:http";
import { Testbed, get, startBackend } from "../../../hosts/testbed";
import type { Backend } from "../../../hosts/testbed";

const REPO = resolve(__dirname, "../../..");
const BUNDLE = resolve(REPO, "dist/agent/switchyard-agent.js");
let bed: Testbed;
let backends: { blue: Backend; green: Backend };
let hosts: string[];

before(async () => {
  execFileSync(process.execPath, [resolve(REPO, "hosts/build.mjs")], { cwd: REPO, timeout: 60_000 });
  bed = await Testbed.start({ agents: 0, agentScript: BUNDLE });
  backends = { blue: await startBackend("blue"), green: await startBackend("green") };
  hosts = await bed.deployManyRoutes(1000, backends, { intervalMs: 5000 });
});

after(async () => {
  await bed?.stop();
  await Promise.all([backends?.blue.close(), backends?.green.close()]);
});

test("the bundled agent cold-starts against 1,000 routes and serves every one", async () => {
  const started = performance.now();
  const agent = await bed.addAgent({ id: "cold" });
  await bed.waitForColour(hosts[hosts.length - 1], "blue", 20_000);
  const coldMs = performance.now() - started;
  assert.ok(coldMs < 10_000, `cold start took ${coldMs} ms`);
  const http = new HttpAgent({ keepAlive: true, maxSockets: 8 });
  try {
    const answers = await Promise.all(hosts.map((h) => get(agent.port, h, http)));
    assert.deepEqual(new Set(answers.map((a) => `${a.status} ${a.colour}`)), new Set(["200 blue"]));
  } finally {
    http.destroy();
  }
  const status = await bed.waitForStatus(
    "status lists 1,000 routes",
    (s) => Object.keys(s.routes).length === 1000,
  );
  assert.equal(Object.keys(status[0].backends).length, 2000);
});

test("one flip among 1,000 routes goes through the Runtime API quickly", async () => {
  await bed.waitForHealth("app-0500", "green", (n) => n === 1, 20_000);
  const started = performance.now();
  await bed.setLiveColour("r0500.example.com", "green");
  await bed.waitForColour("r0500.example.com", "green");
  const ms = performance.now() - started;
  assert.ok(ms < 1000, `flip took ${ms} ms`);
  assert.deepEqual(await bed.colours("r0499.example.com"), ["blue"]);
  assert.match(await bed.agents[0].metrics(), /^switchyard_agent_reloads_total 0$/m);
});
