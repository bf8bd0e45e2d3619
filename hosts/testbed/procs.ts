/** Free loopback ports, temp dirs and a registry of every process the testbed starts. */
import { spawn } from "node:child_process";
import type { ChildProcess, SpawnOptions } from "node:child_process";
import { existsSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A port the kernel just handed out on 127.0.0.1; never a fixed one, other suites run alongside. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export function tempDir(prefix: string, parent = tmpdir()): string {
  return mkdtempSync(join(parent, `${prefix}-`));
}

const live = new Set<number>();
const groups = new Set<number>();
function killAllNow(): void {
  for (const id of [...live, ...[...groups].map((g) => -g)]) {
    try {
      process.kill(id, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
}
// Last resort when a test crashes or is interrupted before its teardown: nothing may outlive it.
process.on("exit", killAllNow);
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  process.once(signal, () => {
    killAllNow();
    process.exit(128 + (signal === "SIGINT" ? 2 : signal === "SIGTERM" ? 15 : 1));
  });
}

/** Tracks a pid (e.g. a daemonised HAProxy master) so it is killed if the test process exits. */
export function track(pid: number): void {
  live.add(pid);
}

export function untrack(pid: number): void {
  live.delete(pid);
}

/** Tracks a process group (a daemonised HAProxy master leads one with its workers). */
export function trackGroup(pgid: number): void {
  groups.add(pgid);
}

/**
 * Sends `signal` to a whole process group, SIGKILL after `graceMs`, and resolves once no member is
 * left: workers are reached even when their master is already gone.
 */
export async function killGroup(
  pgid: number,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 3000,
): Promise<void> {
  const deadline = Date.now() + graceMs;
  let sig: NodeJS.Signals | 0 = signal;
  for (;;) {
    try {
      process.kill(-pgid, sig);
    } catch {
      break;
    }
    await sleep(20);
    sig = Date.now() > deadline ? "SIGKILL" : 0;
  }
  groups.delete(pgid);
}

export function spawnLogged(
  cmd: string,
  args: string[],
  logFile: string,
  opts: SpawnOptions = {},
): ChildProcess {
  const fd = openSync(logFile, "a");
  const child = spawn(cmd, args, { ...opts, stdio: ["ignore", fd, fd] });
  if (child.pid !== undefined) {
    const pid = child.pid;
    track(pid);
    child.on("exit", () => untrack(pid));
  }
  return child;
}

/** The pid in a pid file (HAProxy's `-p`), or undefined when there is none yet. */
export function readPidFile(path: string): number | undefined {
  if (!existsSync(path)) return undefined;
  const pid = Number(readFileSync(path, "utf8").trim());
  return Number.isInteger(pid) && pid > 1 ? pid : undefined;
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Sends `signal`, then SIGKILL after `graceMs`; resolves once the process is gone. */
export async function killPid(
  pid: number,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 3000,
): Promise<void> {
  try {
    process.kill(pid, signal);
  } catch {
    untrack(pid);
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid)) {
    if (Date.now() > deadline) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        break;
      }
    }
    await sleep(20);
  }
  untrack(pid);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Polls `probe` until it returns a value other than undefined, or throws after `timeoutMs`. */
export async function waitUntil<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined>,
  everyMs = 20,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${lastError ? `: ${String(lastError)}` : ""}`,
      );
    }
    await sleep(everyMs);
  }
}
