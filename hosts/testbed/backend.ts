/** Real HTTP backends for the testbed: answer with their colour, and a health path that can fail. */
import { createServer } from "node:http";
import type { Server } from "node:http";
import type { Colour } from "../../model/etcd/schema";

export interface Backend {
  readonly colour: Colour;
  readonly port: number;
  readonly healthPath: string;
  healthy: boolean;
  /** Requests served, health checks excluded. */
  readonly served: number;
  close(): Promise<void>;
}

export async function startBackend(colour: Colour, healthPath = "/health"): Promise<Backend> {
  let served = 0;
  const state = { healthy: true };
  const server: Server = createServer((req, res) => {
    if (req.url === healthPath) {
      res
        .writeHead(state.healthy ? 200 : 503, { "content-type": "text/plain" })
        .end(state.healthy ? "ok" : "unhealthy");
      return;
    }
    served++;
    res.writeHead(200, { "content-type": "text/plain", "x-colour": colour }).end(colour);
  });
  // Longer than HAProxy's idle server connections, so HAProxy never reuses a connection being closed.
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 121_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return {
    colour,
    port,
    healthPath,
    get healthy() {
      return state.healthy;
    },
    set healthy(v: boolean) {
      state.healthy = v;
    },
    get served() {
      return served;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
