/** Local status and metrics endpoint (bind it to loopback; it has no authentication). */
import { createServer } from "node:http";
import type { Server } from "node:http";
import { HEALTHZ_PATH, METRICS_PATH, STATUS_PATH } from "../../model/http";

export interface HttpHandlers {
  status(): unknown;
  /** A program's metrics (hosts/runtime/metrics.ts). */
  metrics: { contentType: string; render(): Promise<string> };
  healthy(): boolean;
}

export function startHttp(address: string, port: number, h: HttpHandlers): Promise<Server> {
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === STATUS_PATH) {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(h.status()));
    } else if (path === METRICS_PATH) {
      h.metrics.render().then(
        (text) => res.writeHead(200, { "content-type": h.metrics.contentType }).end(text),
        (e: unknown) => res.writeHead(500, { "content-type": "text/plain" }).end(`${String(e)}\n`),
      );
    } else if (path === HEALTHZ_PATH) {
      const ok = h.healthy();
      res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" }).end(ok ? "ok\n" : "not applied\n");
    } else {
      res.writeHead(404).end();
    }
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, address, () => resolve(server));
  });
}
