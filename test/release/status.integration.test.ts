// `release --status` against the local data plane: real etcd, two agents with real HAProxies, real
// blue/green backends. The command reads only etcd; the agents' published status is the truth.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Testbed, waitUntil } from "../../hosts/testbed";
import { readAppStatus, renderAppStatus } from "../../scripts/lib/release/status";
import { ROOT } from "../helpers/plan";

const HOST = "shop.example.com";
let bed: Testbed;

before(async () => {
  bed = await Testbed.start({ agents: 2, etcdMembers: 1 });
  await bed.deployApp({ app: "shop", host: HOST, replicas: 2 });
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("shop", "blue", (n) => n === 2, 30_000);
  await bed.waitForHealth("shop", "green", (n) => n === 2, 30_000);
});

after(async () => {
  await bed?.stop();
});

test("per HAProxy host: live colour, applied revision and servers UP per colour", async () => {
  // Health checks can flap on a loaded machine: read until every host reports all four servers UP.
  const allUp = (s: Awaited<ReturnType<typeof readAppStatus>>) =>
    s.hosts.length === 2 && s.hosts.every((h) => h.up.blue.up === 2 && h.up.green.up === 2) ? s : undefined;
  const status = await waitUntil("all servers UP in the status", 30_000, async () =>
    allUp(await readAppStatus(bed.etcd.client, "shop", HOST)),
  );
  assert.equal(status.desired?.liveColour, "blue");
  assert.deepEqual(status.hosts.map((h) => h.agentId).sort(), ["agent-1", "agent-2"]);
  for (const h of status.hosts) {
    assert.equal(h.liveColour, "blue");
    assert.equal(h.state, "live");
    assert.ok(h.appliedRevision >= status.desired!.modRevision);
    assert.deepEqual(h.up, { blue: { up: 2, total: 2 }, green: { up: 2, total: 2 } });
  }
  assert.match(renderAppStatus(status), /agent-1\s+blue\s+live\s+\d+\s+2\/2\s+2\/2/);
});

test("a refused flip shows per host with the agents' reason, from the command line", async () => {
  bed.setHealthy("shop", "green", false);
  await bed.waitForHealth("shop", "green", (n) => n === 0, 30_000);
  await bed.setLiveColour(HOST, "green");
  // Generous: the shared test machine can be slow to run both agents' checks.
  await bed
    .waitForStatus("refusal", (s) => s.routes[HOST]?.state === "refused", 30_000)
    .catch(async (e) => {
      console.error(
        JSON.stringify(await bed.agentStatuses()),
        bed.agents.map((a) => [a.id, a.running]),
      );
      throw e;
    });

  const stackFile = join(mkdtempSync(join(tmpdir(), "switchyard-status-")), "Pulumi.test.yaml");
  writeFileSync(
    stackFile,
    `config:\n  switchyard:apps:\n    shop:\n      host: ${HOST}\n      live: green\n`,
  );
  const run = spawnSync(
    process.execPath,
    [
      "--import",
      "tsx",
      join(ROOT, "scripts/release.ts"),
      "--status",
      "shop",
      "--stack-file",
      stackFile,
      "--json",
    ],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, SWITCHYARD_ETCD_ENDPOINTS: bed.etcd.endpoints.join(",") },
    },
  );
  assert.equal(run.status, 0, run.stderr);
  const status = JSON.parse(run.stdout);
  assert.equal(status.desired.liveColour, "green");
  for (const h of status.hosts) {
    assert.equal(h.liveColour, "blue", "blue stays live");
    assert.equal(h.state, "refused");
    assert.match(h.reason, /0 of 1 required servers UP/);
    assert.deepEqual(h.up.green, { up: 0, total: 2 });
  }
});
