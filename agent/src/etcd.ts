/**
 * etcd wiring: a consistent list of the routing records followed by a watch from the next revision.
 * The client library resumes the watch from the last seen revision after a disconnect; when etcd
 * cancels it (compaction) we list again, which is the only way to be sure nothing was missed.
 */
import { readFileSync } from "node:fs";
import { Etcd3, Range } from "etcd3";
import type { IOptions, Lease, Watcher } from "etcd3";
import { agentStatusKey, membersPrefix, routesPrefix } from "./schema";
import { explainEtcdError } from "./etcdErrors";
import type { Logger } from "./log";

export interface EtcdConnection {
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

export function connectEtcd(c: EtcdConnection): Etcd3 {
  const options: IOptions = {
    hosts: c.endpoints,
    // Unary calls get a deadline so a dead member is noticed; the watch stream must not have one.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5000 }),
  };
  if (c.caFile) {
    options.credentials = {
      rootCertificate: readFileSync(c.caFile),
      ...(c.certFile && c.keyFile
        ? { certChain: readFileSync(c.certFile), privateKey: readFileSync(c.keyFile) }
        : {}),
    };
  }
  return new Etcd3(options);
}

/** Members sort before routes and nothing else lives between them, so one range covers both. */
const routingRange = new Range(membersPrefix, Range.prefix(routesPrefix).end);
const routingAccess = {
  permission: "read",
  key: membersPrefix,
  range: Range.prefix(routesPrefix).end.toString(),
} as const;

export interface KvChange {
  key: string;
  /** Undefined for a delete. */
  value?: Buffer;
  modRevision: number;
}

export interface SourceHandlers {
  snapshot(kvs: KvChange[], revision: number): void;
  changes(changes: KvChange[], revision: number): void;
  connection(connected: boolean): void;
}

export class RoutingSource {
  private watcher?: Watcher;
  private stopped = false;
  private revision = 0;

  constructor(
    private readonly client: Etcd3,
    private readonly log: Logger,
    private readonly handlers: SourceHandlers,
  ) {}

  async start(): Promise<void> {
    await this.listAndWatch();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.watcher?.cancel().catch(() => undefined);
  }

  private async listAndWatch(): Promise<void> {
    let delay = 200;
    while (!this.stopped) {
      try {
        const res = await this.client.getAll().inRange(routingRange).exec();
        this.revision = Number(res.header.revision);
        this.handlers.connection(true);
        this.handlers.snapshot(
          res.kvs.map((kv) => ({
            key: kv.key.toString(),
            value: kv.value,
            modRevision: Number(kv.mod_revision),
          })),
          this.revision,
        );
        break;
      } catch (e) {
        this.handlers.connection(false);
        const error = String(explainEtcdError(e, "list the routing records", routingAccess));
        this.log.warn("etcd list failed; retrying", { error, retryInMs: delay });
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, 5000);
      }
    }
    if (this.stopped) return;
    const watcher = this.client
      .watch()
      .inRange(routingRange)
      .startRevision(String(this.revision + 1))
      .watcher();
    this.watcher = watcher;
    watcher.on("connected", () => this.handlers.connection(true));
    watcher.on("disconnected", (err) => {
      this.handlers.connection(false);
      this.log.warn("etcd watch disconnected; the client resumes from the last revision", {
        error: String(err),
        revision: this.revision,
      });
    });
    watcher.on("data", (res) => {
      const changes = res.events.map((ev) => ({
        key: ev.kv.key.toString(),
        value: ev.type === "Delete" ? undefined : ev.kv.value,
        modRevision: Number(ev.kv.mod_revision),
      }));
      this.revision = Math.max(this.revision, Number(res.header.revision));
      if (changes.length > 0) this.handlers.changes(changes, this.revision);
    });
    watcher.on("error", (err) => {
      if (this.watcher !== watcher || this.stopped) return;
      const error = String(explainEtcdError(err, "watch the routing records", routingAccess));
      this.log.warn("etcd watch cancelled; listing again", { error, revision: this.revision });
      this.watcher = undefined;
      void watcher.cancel().catch(() => undefined);
      void this.listAndWatch();
    });
  }
}

/**
 * Publishes the agent's status under a lease, at most every `intervalMs`, always the newest value.
 * A lost lease (etcd unreachable longer than its TTL) is replaced by a new one.
 */
export class StatusPublisher {
  private lease?: Lease;
  private pending?: string;
  private last?: string;
  private timer?: NodeJS.Timeout;
  private lastWrite = 0;
  private writing = false;
  private closed = false;

  constructor(
    private readonly client: Etcd3,
    private readonly agentId: string,
    private readonly ttlSeconds: number,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly onResult: (ok: boolean) => void,
  ) {}

  publish(json: string): void {
    this.pending = json;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.writing || this.closed) return;
    const wait = Math.max(0, this.lastWrite + this.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.flush(), wait);
  }

  private currentLease(): Lease {
    if (!this.lease || this.lease.revoked()) {
      const lease = this.client.lease(this.ttlSeconds, { autoKeepAlive: true });
      lease.on("lost", (err) => {
        this.log.warn("status lease lost; writing the status again under a new lease", {
          error: String(err),
        });
        if (this.lease !== lease) return;
        this.lease = undefined;
        // The key went with the lease: put it back even if nothing changes.
        if (this.last !== undefined && this.pending === undefined) this.publish(this.last);
      });
      this.lease = lease;
    }
    return this.lease;
  }

  private async flush(): Promise<void> {
    this.timer = undefined;
    const json = this.pending;
    if (json === undefined || this.closed) return;
    this.pending = undefined;
    this.writing = true;
    this.lastWrite = Date.now();
    try {
      await this.currentLease().put(agentStatusKey(this.agentId)).value(json).exec();
      this.last = json;
      this.onResult(true);
    } catch (e) {
      this.onResult(false);
      this.pending ??= json;
      const key = agentStatusKey(this.agentId);
      const error = String(
        explainEtcdError(e, `write the status key ${key}`, { permission: "readwrite", key }),
      );
      this.log.warn("status write failed", { error });
    } finally {
      this.writing = false;
      if (this.pending !== undefined) this.schedule();
    }
  }

  /** Revokes the lease so the status disappears at once on a clean shutdown. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.lease?.revoke().catch(() => undefined);
  }
}
