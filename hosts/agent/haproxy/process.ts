/**
 * Owns the HAProxy master process: validation with `haproxy -c`, start in master-worker mode
 * (daemonised, so it outlives agent restarts), seamless reload through the master CLI.
 */
import { execFile, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { HaproxyPaths } from "../../../model/haproxy";
import { masterCommand, runtimeCommands } from "./runtime";

export interface CheckResult {
  ok: boolean;
  output: string;
}

export function checkConfig(bin: string, configPath: string): Promise<CheckResult> {
  return new Promise((resolve) => {
    execFile(bin, ["-c", "-q", "-f", configPath], { timeout: 30_000 }, (err, stdout, stderr) =>
      resolve({ ok: err === null, output: `${stdout}${stderr}`.trim() }),
    );
  });
}

/** The running worker's pid, or undefined when no HAProxy answers on the admin socket. */
export async function workerPid(paths: HaproxyPaths): Promise<number | undefined> {
  try {
    const [info] = await runtimeCommands(paths.adminSocket, ["show info"], 2000);
    const m = /^Pid: (\d+)$/m.exec(info);
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** True while the master in the pid file runs (checked by pid: a busy master is not a dead one). */
export function masterAlive(paths: HaproxyPaths): boolean {
  try {
    const pid = Number(readFileSync(paths.pidFile, "utf8").trim());
    // A killed daemon that nobody reaped is a zombie: it still "exists" for kill(pid, 0).
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

export async function startHaproxy(bin: string, paths: HaproxyPaths, timeoutMs = 15_000): Promise<number> {
  const args = ["-W", "-D", "-S", `${paths.masterSocket},mode,600`, "-f", paths.config, "-p", paths.pidFile];
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    child.on("error", reject);
    child.on("exit", (code) =>
      code === 0 ? resolve(out) : reject(new Error(`haproxy exited ${code}: ${out}`)),
    );
  });
  return waitFor(`HAProxy to answer on ${paths.adminSocket} (${output.trim()})`, timeoutMs, () =>
    workerPid(paths),
  );
}

/** Seamless reload: the master starts a new worker that takes over the listening sockets. */
export async function reloadHaproxy(paths: HaproxyPaths, timeoutMs = 15_000): Promise<number> {
  const before = await workerPid(paths);
  await masterCommand(paths.masterSocket, "reload");
  return waitFor("the new HAProxy worker", timeoutMs, async () => {
    const pid = await workerPid(paths);
    return pid !== undefined && pid !== before ? pid : undefined;
  });
}
