/**
 * The bench's load generator and backends run in child processes at a lower CPU priority, so on a
 * 2-core machine they do not starve etcd, the agents and the flip probe; HAProxy is what is measured.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";
import type { Backend, LoadResult } from "../../../agent/testbed";
import type { Colour } from "../../../agent/src/schema";

function child(script: string, args: string[]): ChildProcess {
  const c = fork(join(__dirname, script), args, { execArgv: ["--import", "tsx"] });
  if (c.pid !== undefined) setPriority(c.pid, 10);
  process.on("exit", () => c.kill("SIGKILL"));
  return c;
}

function ask<T>(c: ChildProcess, message: string | undefined, field: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench child did not answer ${field}`)), 30_000);
    const onMessage = (m: Record<string, T>) => {
      if (!(field in m)) return;
      clearTimeout(timer);
      c.off("message", onMessage);
      resolve(m[field]);
    };
    c.on("message", onMessage);
    if (message !== undefined) c.send(message);
  });
}

export interface RemoteLoad {
  snapshot(): Promise<LoadResult>;
  stop(): Promise<LoadResult>;
}

export function startRemoteLoad(opts: { ports: number[]; hosts: string[]; connections: number }): RemoteLoad {
  const c = child("load-child.ts", [JSON.stringify(opts)]);
  return {
    snapshot: () => ask<LoadResult>(c, "snapshot", "snapshot"),
    stop: () => ask<LoadResult>(c, "stop", "result"),
  };
}

/** `perColour` blue and green backends in one child; closing any of them stops the child. */
export async function startRemoteBackends(perColour: number): Promise<Record<Colour, Backend[]>> {
  const c = child("backend-child.ts", [String(perColour)]);
  const ports = await ask<Record<Colour, number[]>>(c, undefined, "ports");
  const close = async () => {
    c.kill("SIGTERM");
  };
  const remote = (colour: Colour, port: number): Backend => ({
    colour,
    port,
    healthPath: "/health",
    healthy: true,
    served: 0,
    close,
  });
  return {
    blue: ports.blue.map((p) => remote("blue", p)),
    green: ports.green.map((p) => remote("green", p)),
  };
}
