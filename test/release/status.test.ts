// `release --status` against the local data plane: real etcd, two agents with real HAProxies, real
// blue/green backends. The command reads only etcd; the agents' published status is the truth.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { Testbed } from "../../hosts/testbed";
import { readAppStatus, renderAppStatus } from "../../scripts/lib/release/status";
import { ROOT } from "../helpers/plan";

const HOST = "shop.example.com";
let bed: Testbed;

before(async () => {
  bed = await Testbed.start({ agents: 2, etcdMembers: 1 });
  await bed.deployApp({ app: "shop", host: HOST, replicas: 2 });
  await bed.waitForColour(HOST, "blue");
  await bed.waitForHealth("shop", "green", (n) => n === 2);
});

after(async () => {
  await bed?.stop();
});

test("per HAProxy host: live colour, applied revision and servers UP per colour", async () => {
  const status = await readAppStatus(bed.etcd.client, "shop", HOST);
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
  const { backends } = bed.apps.get("shop")!;
  await Promise.all(backends.green.map((b) => b.close()));
  await bed.waitForHealth("shop", "green", (n) => n === 0);
  await bed.setLiveColour(HOST, "green");
  await bed.waitForStatus("refusal", (s) => s.routes[HOST]?.state === "refused");

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
