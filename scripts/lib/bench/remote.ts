/**
 * The bench's load generator and backends run in child processes, so the flip probe in the parent
 * is not delayed by their event loops; the load generator also runs at a lower CPU priority so on a
 * 2-core machine it does not starve etcd and the agents. Backends keep normal priority: starved,
 * they would miss their health checks and the agents would (rightly) refuse flips.
 */
import { fork } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { setPriority } from "node:os";
import { join } from "node:path";
import type { Backend, LoadResult } from "../../../hosts/testbed";
import type { Colour } from "../../../model/etcd/schema";

function child(script: string, args: string[], niceness = 0): ChildProcess {
  const c = fork(join(__dirname, script), args, { execArgv: ["--import", "tsx"] });
  if (c.pid !== undefined) setPriority(c.pid, niceness);
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
  const c = child("load-child.ts", [JSON.stringify(opts)], 10);
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
