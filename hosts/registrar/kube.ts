/**
 * A minimal in-cluster Kubernetes client for one thing: list, then watch, the EndpointSlices of one
 * namespace under a label selector. Plain node:https, so the bundle carries no Kubernetes SDK. The
 * service-account token is read again for every request because projected tokens rotate.
 */
import { readFileSync } from "node:fs";
import { request } from "node:https";
import type { ClientRequest, IncomingMessage } from "node:http";
import type { Logger } from "../runtime/log";
import type { EndpointSlice } from "./members";

export interface KubeAccess {
  /** e.g. https://kubernetes.default.svc */
  apiUrl: string;
  tokenFile: string;
  caFile: string;
}

export interface SliceHandlers {
  /** A complete, consistent view (after every list). */
  replace(slices: EndpointSlice[]): void;
  upsert(slice: EndpointSlice): void;
  remove(slice: EndpointSlice): void;
  /** false while the API cannot be listed or watched; the last view is kept meanwhile. */
  connection(ok: boolean): void;
}

interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: EndpointSlice & { code?: number; message?: string };
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`HTTP ${status}: ${body.slice(0, 300)}`);
  }
}

/** Why a watch ended: `gone` (410, the resourceVersion is too old) and `closed` both mean list again. */
type WatchEnd = "gone" | "closed";

export const MAX_BACKOFF_MS = 10_000;
/** Server-side bound of one watch, so a silently dead connection is replaced regularly. */
const WATCH_TIMEOUT_SECONDS = 300;

export class EndpointSliceSource {
  private stopped = false;
  /** The request in flight (list or watch), cut by stop(). */
  private current?: ClientRequest;
  private wake?: () => void;

  constructor(
    private readonly access: KubeAccess,
    private readonly namespace: string,
    private readonly selector: string,
    private readonly log: Logger,
    private readonly handlers: SliceHandlers,
  ) {}

  /** Runs until stop(): list, watch until it ends, list again; failures back off up to 10 s. */
  async run(): Promise<void> {
    let delay = 200;
    while (!this.stopped) {
      try {
        const list = await this.getJson<{ metadata: { resourceVersion: string }; items: EndpointSlice[] }>(
          this.path({}),
        );
        this.handlers.replace(list.items);
        this.handlers.connection(true);
        const started = Date.now();
        const end = await this.watch(list.metadata.resourceVersion);
        this.log.info("endpointslice watch ended; listing again", { reason: end });
        // A watch that keeps ending at once must not turn into a tight list loop.
        if (Date.now() - started < 1000) {
          await this.sleep(delay);
          delay = Math.min(delay * 2, MAX_BACKOFF_MS);
        } else {
          delay = 200;
        }
      } catch (e) {
        if (this.stopped) return;
        this.handlers.connection(false);
        this.log.warn("kubernetes list/watch failed; keeping the last view", {
          error: String(e),
          retryInMs: delay,
        });
        await this.sleep(delay);
        delay = Math.min(delay * 2, MAX_BACKOFF_MS);
      }
    }
  }

  stop(): void {
    this.stopped = true;
    this.current?.destroy();
    this.wake?.();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private path(query: Record<string, string>): string {
    const params = new URLSearchParams({ labelSelector: this.selector, ...query });
    return `/apis/discovery.k8s.io/v1/namespaces/${encodeURIComponent(this.namespace)}/endpointslices?${params}`;
  }

  private open(path: string, timeoutMs: number): Promise<IncomingMessage> {
    const url = new URL(path, this.access.apiUrl);
    const token = readFileSync(this.access.tokenFile, "utf8").trim();
    return new Promise((resolve, reject) => {
      const req = request(url, {
        headers: { authorization: `Bearer ${token}`, accept: "application/json" },
        ca: readFileSync(this.access.caFile),
        timeout: timeoutMs,
      });
      req.on("timeout", () => req.destroy(new Error(`no answer from the Kubernetes API in ${timeoutMs} ms`)));
      req.on("error", reject);
      this.current = req;
      req.on("response", (res) => {
        if (res.statusCode === 200) return resolve(res);
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => reject(new HttpError(res.statusCode ?? 0, Buffer.concat(chunks).toString())));
        res.on("error", reject);
      });
      req.end();
    });
  }

  private async getJson<T>(path: string): Promise<T> {
    const res = await this.open(path, 15_000);
    const chunks: Buffer[] = [];
    for await (const chunk of res) chunks.push(chunk as Buffer);
    return JSON.parse(Buffer.concat(chunks).toString()) as T;
  }

  /** Applies watch events until the stream ends; resolves with why it ended. */
  private async watch(resourceVersion: string): Promise<WatchEnd> {
    let res: IncomingMessage;
    try {
      res = await this.open(
        this.path({
          watch: "1",
          resourceVersion,
          allowWatchBookmarks: "true",
          timeoutSeconds: String(WATCH_TIMEOUT_SECONDS),
        }),
        // The socket idles between events; the server closes the watch after timeoutSeconds.
        (WATCH_TIMEOUT_SECONDS + 30) * 1000,
      );
    } catch (e) {
      if (e instanceof HttpError && e.status === 410) return "gone";
      throw e;
    }
    let buffered = "";
    try {
      for await (const chunk of res) {
        buffered += (chunk as Buffer).toString();
        let nl: number;
        while ((nl = buffered.indexOf("\n")) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line && this.event(JSON.parse(line) as WatchEvent) === "gone") {
            res.destroy();
            return "gone";
          }
        }
      }
    } catch (e) {
      if (this.stopped) return "closed";
      throw e;
    }
    return "closed";
  }

  private event(ev: WatchEvent): "gone" | undefined {
    switch (ev.type) {
      case "ADDED":
      case "MODIFIED":
        this.handlers.upsert(ev.object);
        return undefined;
      case "DELETED":
        this.handlers.remove(ev.object);
        return undefined;
      case "BOOKMARK":
        return undefined;
      case "ERROR":
        if (ev.object.code === 410) return "gone";
        throw new Error(`watch error ${ev.object.code ?? "?"}: ${ev.object.message ?? ""}`);
    }
  }
}
