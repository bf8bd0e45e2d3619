/**
 * The fleet's arrangement, REAL: systemd runs HAProxy from the bootstrap config before any agent
 * has applied anything, and the agent runs with --haproxy-supervisor=systemd. The agent must
 * replace the bootstrap config even when etcd holds no route (else the ELB never sees the host
 * healthy), must never start a second HAProxy itself when HAProxy dies, and must adopt the one
 * systemd starts again.
 */
import { join } from "node:path";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { after, before, describe, test } from "node:test";
import { haproxyPaths } from "../../../model/haproxy";
import { freePort, get, readPidFile, sleep, tempDir, Testbed, waitUntil } from "../../../hosts/testbed";
import { renderConfig } from "../../../model/haproxyConfig";
import { HEALTHZ_PATH } from "../../../model/http";

const stateDir = tempDir("switchyard-supervised");
const paths = haproxyPaths(stateDir);
let port = 0;
let bed: Testbed;

/** Starts HAProxy the way switchyard-haproxy.service does (master-worker, daemon, pid file). */
function startLikeSystemd(): void {
  const start = spawnSync(
    "haproxy",
    ["-W", "-D", "-S", `${paths.masterSocket},mode,600`, "-f", paths.config, "-p", paths.pidFile],
    { encoding: "utf8", timeout: 15_000 },
  );
  assert.equal(start.status, 0, `${start.stdout}${start.stderr}`);
}

function masterPid(): number | undefined {
  return readPidFile(paths.pidFile);
}

/** Kills HAProxy's whole process group (master and workers), as a crash or OOM kill would. */
function killHaproxy(): void {
  const pid = masterPid();
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

function healthz(): Promise<number> {
  return new Promise((resolve) => {
    const req = request({ host: "127.0.0.1", port, path: HEALTHZ_PATH, timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on("error", () => resolve(0));
    req.on("timeout", () => req.destroy());
    req.end();
  });
}

describe("agent with HAProxy supervised by systemd", { timeout: 120_000 }, () => {
  before(async () => {
    port = await freePort();
    writeFileSync(paths.map, "");
    writeFileSync(
      paths.config,
      renderConfig(
        { mode: "bootstrap" },
        { paths, bindAddress: "127.0.0.1", bindPort: port, maxconn: 1000, healthzPath: HEALTHZ_PATH },
      ),
    );
    startLikeSystemd();
    bed = await Testbed.start({ agents: 0, etcdMembers: 1 });
    await bed.addAgent({
      id: "edge-1",
      flags: [`--state-dir=${stateDir}`, `--bind-port=${port}`, "--haproxy-supervisor=systemd"],
    });
  });

  after(async () => {
    await bed?.stop();
    killHaproxy();
    // Also any HAProxy an earlier master left behind in this test's directory.
    spawnSync("pkill", ["-KILL", "-f", stateDir], { timeout: 5000 });
    rmSync(stateDir, { recursive: true, force: true });
  });

  test("with no route in etcd, the agent still replaces the bootstrap config: /healthz turns 200", async () => {
    const bootstrapMaster = masterPid();
    await waitUntil("/healthz 200", 20_000, async () => ((await healthz()) === 200 ? true : undefined), 100);
    assert.equal(masterPid(), bootstrapMaster, "adopted and reloaded, not restarted");
  });

  test("when HAProxy dies the agent does not start one of its own", async () => {
    killHaproxy();
    await sleep(3000);
    assert.equal(await healthz(), 0, "nothing listens: starting HAProxy is systemd's job");
    const status = (await bed.agents[0].status()) as { lastError?: string };
    assert.match(String(status.lastError ?? JSON.stringify(status)), /waiting for systemd/);
  });

  test("the HAProxy systemd starts again is adopted, and routes written meanwhile are served", async () => {
    const app = await bed.deployApp({ app: "shop", host: "shop.example.com", liveColour: "green" });
    assert.equal(app.route.liveColour, "green");
    startLikeSystemd();
    await waitUntil(
      "shop.example.com served green",
      20_000,
      async () =>
        (await get(port, "shop.example.com").catch(() => undefined))?.colour === "green" ? true : undefined,
      100,
    );
    assert.equal(await healthz(), 200);
    // shop is served from a spare pair bound at run time; the binding is in the agent's layout.
    const layout = JSON.parse(readFileSync(join(stateDir, "layout.json"), "utf8")) as { app?: string }[];
    assert.ok(layout.some((b) => b.app === "shop"));
  });
});
