/**
 * A real InfluxDB 1.x (Debian's influxd) on loopback for the monitoring checks: free ports, a
 * temporary directory, the configuration the stack renders with only its paths and addresses
 * rewritten (so `reporting-disabled = true` and authentication come from the rendered file).
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse, stringify } from "smol-toml";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export interface Influxd {
  port: number;
  dir: string;
  stop(): void;
}

/** Rewrites the rendered config for this machine; refuses one that would phone home. */
export function localConfig(rendered: string, dir: string, httpPort: number, rpcPort: number): string {
  const doc = parse(rendered) as Record<string, Record<string, unknown> | unknown>;
  if (doc["reporting-disabled"] !== true)
    throw new Error("the rendered influxdb.conf does not disable reporting");
  doc["bind-address"] = `127.0.0.1:${rpcPort}`;
  (doc.meta as Record<string, unknown>).dir = join(dir, "meta");
  Object.assign(doc.data as Record<string, unknown>, { dir: join(dir, "data"), "wal-dir": join(dir, "wal") });
  (doc.http as Record<string, unknown>)["bind-address"] = `127.0.0.1:${httpPort}`;
  return stringify(doc);
}

export async function startInfluxd(renderedConfig: string): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), "switchyard-influxd-"));
  const [port, rpc] = [await freePort(), await freePort()];
  const configFile = join(dir, "influxdb.conf");
  writeFileSync(configFile, localConfig(renderedConfig, dir, port, rpc));
  const child: ChildProcess = spawn("/usr/bin/influxd", ["-config", configFile], {
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, INFLUXDB_REPORTING_DISABLED: "true" },
  });
  let log = "";
  child.stderr?.on("data", (d: Buffer) => (log = (log + d.toString()).slice(-4000)));
  let stopped = false;
  const stop = () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      stop();
      throw new Error(`influxd exited (${child.exitCode}):\n${log}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ping`);
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      stop();
      throw new Error(`influxd did not answer /ping within 30 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return { port, dir, stop };
}

/** Runs the rendered setup script with the influx CLI, as the setup Job does. */
export function runSetupScript(script: string, port: number, passwords: Record<string, string>): void {
  const result = spawnSync("/bin/sh", ["-c", script], {
    encoding: "utf8",
    timeout: 60_000,
    env: {
      PATH: process.env.PATH,
      INFLUX_HOST: "127.0.0.1",
      INFLUX_PORT: String(port),
      ...passwords,
    },
  });
  if (result.status !== 0)
    throw new Error(`setup script failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export async function query(
  port: number,
  auth: { user: string; password: string },
  db: string,
  q: string,
): Promise<Series[]> {
  const body = new URLSearchParams({ q, db, epoch: "s" });
  const res = await fetch(`http://127.0.0.1:${port}/query`, {
    method: "POST",
    headers: { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` },
    body,
  });
  const json = (await res.json()) as { results?: { series?: Series[]; error?: string }[]; error?: string };
  const err = json.error ?? json.results?.[0]?.error;
  if (err) throw new Error(`InfluxDB refused ${JSON.stringify(q)}: ${err}`);
  return json.results?.[0]?.series ?? [];
}

export async function write(
  port: number,
  auth: { user: string; password: string },
  db: string,
  lines: string[],
): Promise<void> {
  for (let i = 0; i < lines.length; i += 5000) {
    const res = await fetch(`http://127.0.0.1:${port}/write?db=${encodeURIComponent(db)}&precision=s`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${auth.user}:${auth.password}`).toString("base64")}` },
      body: lines.slice(i, i + 5000).join("\n"),
    });
    if (res.status !== 204) throw new Error(`write to ${db} refused (${res.status}): ${await res.text()}`);
  }
}
