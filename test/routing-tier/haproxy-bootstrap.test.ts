/**
 * The bootstrap haproxy.cfg, REAL: it passes `haproxy -c`, a master-worker HAProxy started from it
 * the way switchyard-haproxy.service starts it answers the ELB health check with 503 until the
 * agent takes over, the agent recognises it as a running HAProxy to adopt, and the agent's
 * configuration replaces it with a seamless reload through the master socket.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { createConnection } from "node:net";
import { after, before, describe, test } from "node:test";
import { haproxyPaths } from "../../model/haproxy";
import { reloadHaproxy, workerPid } from "../../hosts/agent/haproxy/process";
import { renderConfig } from "../../model/haproxyConfig";
import { HEALTHZ_PATH } from "../../model/http";
import { readPidFile } from "../../hosts/testbed";
import { freePort, tempDir } from "./helpers/host";

const dir = tempDir("haproxy-bootstrap");
const paths = haproxyPaths(dir);
let port = 0;
let redirectPort = 0;

function get(path: string, to = port): Promise<{ status: number; body: string; location?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: to, path, timeout: 5000, headers: { host: "shop.example.com" } },
      (res) => {
        let body = "";
        res.on("data", (d) => (body += d));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body, location: res.headers.location }));
      },
    );
    req.on("error", reject);
    req.end();
  });
}

function accepts(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = createConnection(socketPath);
    sock.once("connect", () => {
      sock.destroy();
      resolve(true);
    });
    sock.once("error", () => resolve(false));
  });
}

function masterPid(): number | undefined {
  return readPidFile(paths.pidFile);
}

describe("bootstrap haproxy.cfg", { timeout: 60_000 }, () => {
  before(async () => {
    port = await freePort();
    redirectPort = await freePort();
    writeFileSync(paths.map, "");
    writeFileSync(
      paths.config,
      renderConfig(
        { mode: "bootstrap" },
        {
          paths,
          bindAddress: "127.0.0.1",
          bindPort: port,
          redirectPort,
          maxconn: 1000,
          healthzPath: HEALTHZ_PATH,
        },
      ),
    );
  });

  after(() => {
    const pid = masterPid();
    if (pid) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  test("passes haproxy -c", () => {
    const check = spawnSync("haproxy", ["-c", "-f", paths.config], { encoding: "utf8", timeout: 15_000 });
    assert.equal(check.status, 0, `${check.stdout}${check.stderr}`);
  });

  test("it is a mode of the agent's renderer: the same global and defaults, the same escaping", () => {
    const o = { paths, bindAddress: "127.0.0.1", bindPort: port, maxconn: 1000, healthzPath: HEALTHZ_PATH };
    const head = (cfg: string) => cfg.slice(cfg.indexOf("global"), cfg.indexOf("frontend"));
    const boot = renderConfig({ mode: "bootstrap" }, o);
    assert.equal(head(boot), head(renderConfig({ mode: "routes", backends: [], slots: new Map() }, o)));
    assert.match(head(boot), /timeout client 60s/);
    assert.throws(
      () => renderConfig({ mode: "bootstrap" }, { ...o, healthzPath: "/healthz\n  monitor fail if FALSE" }),
      /unsafe token/,
    );
  });

  test("a broken bootstrap would fail haproxy -c (the check is not vacuous)", () => {
    const broken = `${paths.config}.broken`;
    writeFileSync(
      broken,
      readFileSync(paths.config, "utf8").replace("default_backend be_starting", "default_backend be_missing"),
    );
    const check = spawnSync("haproxy", ["-c", "-f", broken], { encoding: "utf8", timeout: 15_000 });
    assert.notEqual(check.status, 0);
  });

  test("started as the unit starts it, it answers the health check and all traffic with 503", async () => {
    const start = spawnSync(
      "haproxy",
      ["-W", "-D", "-S", `${paths.masterSocket},mode,600`, "-f", paths.config, "-p", paths.pidFile],
      {
        encoding: "utf8",
        timeout: 15_000,
      },
    );
    assert.equal(start.status, 0, `${start.stdout}${start.stderr}`);
    // The master starts accepting on its CLI a moment after the worker answers; a reload needs it.
    const deadline = Date.now() + 10_000;
    while (!(await accepts(paths.masterSocket))) {
      assert.ok(Date.now() < deadline, "the master CLI never accepted a connection");
      await new Promise((r) => setTimeout(r, 50));
    }
    const health = await get(HEALTHZ_PATH);
    assert.equal(health.status, 503, "a host that has not applied routes must not count as healthy");
    const traffic = await get("/");
    assert.equal(traffic.status, 503);
    assert.match(traffic.body, /routes not applied yet/);
  });

  test("plain HTTP on the redirect port gets a 301 to the same URL on https, from the start", async () => {
    const answer = await get("/cart?item=1", redirectPort);
    assert.equal(answer.status, 301);
    assert.equal(answer.location, "https://shop.example.com/cart?item=1");
  });

  test("the agent sees it as a running HAProxy to adopt", async () => {
    assert.ok((await workerPid(paths)) !== undefined, "the agent's admin-socket probe found no HAProxy");
  });

  test("the agent's own configuration replaces it with a seamless reload, and /healthz turns 200", async () => {
    const pid = masterPid();
    writeFileSync(paths.serverState, "");
    writeFileSync(
      paths.config,
      renderConfig(
        { mode: "routes", backends: [], slots: new Map() },
        {
          paths,
          bindAddress: "127.0.0.1",
          bindPort: port,
          redirectPort,
          maxconn: 1000,
          healthzPath: HEALTHZ_PATH,
        },
      ),
    );
    await reloadHaproxy(paths);
    assert.equal(masterPid(), pid, "the master process survives the reload");
    // The old worker may take a last connection while the new one starts listening (seen on a
    // loaded machine): wait, boundedly, for the new worker to answer.
    const deadline = Date.now() + 5000;
    let status = (await get(HEALTHZ_PATH)).status;
    while (status !== 200 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await get(HEALTHZ_PATH)).status;
    }
    assert.equal(status, 200);
    // The agent's configuration keeps answering plain HTTP with the redirect.
    const answer = await get("/", redirectPort);
    assert.equal(answer.status, 301);
    assert.equal(answer.location, "https://shop.example.com/");
  });
});
