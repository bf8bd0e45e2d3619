/** HTTP through HAProxy over keep-alive loopback connections: a probe and a load generator. */
import { Agent, request } from "node:http";
import { isColour } from "../../model/validators";
import type { Colour } from "../../model/etcd/schema";

export interface Answer {
  status: number;
  colour?: Colour;
}

/** One GET with the given Host header; resolves with the status and the colour that answered. */
export function get(port: number, host: string, agent?: Agent, timeoutMs = 5000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port, path: "/", headers: { host }, agent, timeout: timeoutMs },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (body += d));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, colour: isColour(body) ? body : undefined }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error(`request timed out after ${timeoutMs} ms`)));
    // Tells the caller whether a failure happened on a reused keep-alive connection.
    req.on("error", (e) => reject(Object.assign(e, { reusedSocket: req.reusedSocket })));
    req.end();
  });
}

export interface LoadResult {
  requests: number;
  failures: number;
  /**
   * Requests whose reused keep-alive connection was closed by HAProxy before any answer (what a
   * reload does to idle connections), retried once on a new connection as browsers and most HTTP
   * clients do for idempotent requests. Not failures, but counted: the runtime path must cause none.
   */
  resets: number;
  byColour: Record<Colour, number>;
  /** Up to 10 examples of what failed. */
  failureSamples: string[];
  elapsedMs: number;
}

export interface Load {
  /** Counts so far, without stopping. */
  snapshot(): LoadResult;
  stop(): Promise<LoadResult>;
}

/**
 * `connections` loops, each with its own keep-alive connection, send requests round-robin over the
 * hosts and ports until stopped. A failure is anything but a 200 from a blue or green backend.
 */
export function startLoad(opts: { ports: number[]; hosts: string[]; connections: number }): Load {
  const result: LoadResult = {
    requests: 0,
    failures: 0,
    resets: 0,
    byColour: { blue: 0, green: 0 },
    failureSamples: [],
    elapsedMs: 0,
  };
  const started = Date.now();
  let running = true;
  const agents: Agent[] = [];
  const loops = Array.from({ length: opts.connections }, async (_, i) => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.push(agent);
    const port = opts.ports[i % opts.ports.length];
    let n = i;
    while (running) {
      const host = opts.hosts[n++ % opts.hosts.length];
      result.requests++;
      try {
        const a = await get(port, host, agent).catch((e: Error & { reusedSocket?: boolean }) => {
          if (!e.reusedSocket) throw e;
          result.resets++;
          return get(port, host, agent);
        });
        if (a.status === 200 && a.colour) result.byColour[a.colour]++;
        else fail(`${host} via :${port}: HTTP ${a.status}`);
      } catch (e) {
        fail(`${host} via :${port}: ${(e as Error).message}`);
      }
    }
  });
  function fail(sample: string): void {
    result.failures++;
    if (result.failureSamples.length < 10) result.failureSamples.push(sample);
  }
  const snapshot = () => ({ ...result, byColour: { ...result.byColour }, elapsedMs: Date.now() - started });
  return {
    snapshot,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agents.forEach((a) => a.destroy());
      return snapshot();
    },
  };
}
