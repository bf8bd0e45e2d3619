/**
 * etcd wiring for a control plane: every call fails fast and retries on another member within a
 * bound, and the routing watch is supervised here rather than left to the client library, so that a
 * member that dies or hangs costs seconds, not the library's 5 s circuit-breaker holds and 30 s
 * reconnect back-off. The routing records are listed once (consistently) and then followed by a
 * watch from the next revision; the watch resumes from its revision on another member when its
 * member stops answering, and lists again only when etcd cancels it (compaction).
 */
import { readFileSync } from "node:fs";
import { ConsecutiveBreaker, ExponentialBackoff, circuitBreaker, handleWhen, noop, retry } from "cockatiel";
import { Etcd3, Range, isRecoverableError } from "etcd3";
import type { IOptions, IWatchRequest, IWatchResponse, Lease } from "etcd3";
import { agentStatusKey, membersPrefix, routesPrefix } from "../../model/etcd/schema";
import { explainEtcdError } from "../../model/etcd/errors";
import type { Logger } from "./log";

export interface EtcdConnection {
  endpoints: string[];
  caFile?: string;
  certFile?: string;
  keyFile?: string;
}

/** Bounds of the connection, in one place (docs/agent.md, "etcd failures"). */
export const ETCD_TIMING = {
  /** Deadline of every unary call: a hung member is given up on after this and the call retried elsewhere. */
  callDeadlineMs: 2000,
  /** A member that failed this many calls in a row is skipped for `breakerHoldMs`. */
  breakerFailures: 3,
  breakerHoldMs: 1000,
  /** gRPC reconnect back-off of a channel (its default grows to 120 s). */
  reconnectBackoffMs: { initial: 100, max: 1000 },
  /** The watch asks its member for a progress notification this often... */
  progressIntervalMs: 500,
  /** ...and moves to another member when nothing (event or progress) arrived for this long. */
  watchSilenceMs: 1500,
  /** Pause after every member failed once, doubling up to the cap. */
  retryBackoffMs: { initial: 100, max: 500 },
};

function baseOptions(c: EtcdConnection, hosts: string[]): IOptions {
  const options: IOptions = {
    hosts,
    // Unary calls get a deadline so a dead or hung member is noticed; a stream must not have one.
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + ETCD_TIMING.callDeadlineMs }),
    grpcOptions: {
      "grpc.initial_reconnect_backoff_ms": ETCD_TIMING.reconnectBackoffMs.initial,
      "grpc.max_reconnect_backoff_ms": ETCD_TIMING.reconnectBackoffMs.max,
    },
  };
  if (c.caFile) {
    options.credentials = {
      rootCertificate: readFileSync(c.caFile),
      ...(c.certFile && c.keyFile
        ? { certChain: readFileSync(c.certFile), privateKey: readFileSync(c.keyFile) }
        : {}),
    };
  }
  return options;
}

/**
 * The shared client (status writes, leases): a call that fails on one member is retried at once on
 * another, and a failing member is skipped for one second only, so after an outage calls go
 * through again within a second of etcd answering.
 */
export function connectEtcd(c: EtcdConnection): Etcd3 {
  return new Etcd3({
    ...baseOptions(c, c.endpoints),
    faultHandling: {
      host: () =>
        circuitBreaker(handleWhen(isRecoverableError), {
          halfOpenAfter: ETCD_TIMING.breakerHoldMs,
          breaker: new ConsecutiveBreaker(ETCD_TIMING.breakerFailures),
        }),
      global: retry(handleWhen(isRecoverableError), {
        maxAttempts: c.endpoints.length,
        backoff: new ExponentialBackoff({ initialDelay: 20, maxDelay: 200 }),
      }),
    },
  });
}

/** A client bound to one member, with no fault handling of its own: the watch supervisor decides. */
function connectMember(c: EtcdConnection, endpoint: string): Etcd3 {
  return new Etcd3({ ...baseOptions(c, [endpoint]), faultHandling: { host: () => noop, global: noop } });
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
  createRevision: number;
}

export interface SourceHandlers {
  snapshot(kvs: KvChange[], revision: number): void;
  changes(changes: KvChange[], revision: number): void;
  connection(connected: boolean): void;
}

/** What /status and /metrics say about the watch. */
export interface WatchHealth {
  /** A watch is established and its member answered within the silence bound. */
  watching: boolean;
  /** The member the watch runs on (or is being set up on). */
  member?: string;
  /** Revision up to which every routing change has been received. */
  revision: number;
  /** performance.now() of the last event and of the last progress notification on the watch. */
  lastEventAt?: number;
  lastProgressAt?: number;
  /** Times the watch moved to another member or was set up again. */
  reconnects: number;
}

type WatchEnd = { relist: boolean; reason: string };

export class RoutingSource {
  private stopped = false;
  private needList = true;
  private member: number;
  private stopCurrent?: () => void;
  private readonly state: WatchHealth = { watching: false, revision: 0, reconnects: 0 };

  constructor(
    private readonly connection: EtcdConnection,
    private readonly log: Logger,
    private readonly handlers: SourceHandlers,
  ) {
    // Agents spread over the members instead of all watching the first one.
    this.member = Math.floor(Math.random() * connection.endpoints.length);
  }

  health(): WatchHealth {
    return { ...this.state };
  }

  async start(): Promise<void> {
    void this.run();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopCurrent?.();
  }

  private setWatching(watching: boolean): void {
    if (this.state.watching === watching) return;
    this.state.watching = watching;
    this.handlers.connection(watching);
  }

  /** One member at a time; a member that fails or goes silent hands over to the next one at once. */
  private async run(): Promise<void> {
    let delay = ETCD_TIMING.retryBackoffMs.initial;
    let failedInARow = 0;
    while (!this.stopped) {
      const endpoint = this.connection.endpoints[this.member];
      this.state.member = endpoint;
      const client = connectMember(this.connection, endpoint);
      let end: WatchEnd;
      try {
        if (this.needList) await this.list(client);
        end = await this.watch(client, () => {
          failedInARow = 0;
          delay = ETCD_TIMING.retryBackoffMs.initial;
        });
      } catch (e) {
        end = {
          relist: this.needList,
          reason: String(explainEtcdError(e, "list and watch the routing records", routingAccess)),
        };
      } finally {
        client.close();
      }
      this.setWatching(false);
      if (this.stopped) return;
      this.state.reconnects++;
      this.needList ||= end.relist;
      this.member = (this.member + 1) % this.connection.endpoints.length;
      this.log.warn(
        end.relist ? "etcd watch cancelled; listing again" : "etcd watch lost; resuming on the next member",
        {
          member: endpoint,
          next: this.connection.endpoints[this.member],
          error: end.reason,
          revision: this.state.revision,
        },
      );
      if (++failedInARow >= this.connection.endpoints.length) {
        await new Promise((r) => setTimeout(r, delay));
        delay = Math.min(delay * 2, ETCD_TIMING.retryBackoffMs.max);
      }
    }
  }

  private async list(client: Etcd3): Promise<void> {
    const res = await client.getAll().inRange(routingRange).exec();
    this.state.revision = Number(res.header.revision);
    this.needList = false;
    this.handlers.snapshot(
      res.kvs.map((kv) => ({
        key: kv.key.toString(),
        value: kv.value,
        modRevision: Number(kv.mod_revision),
        createRevision: Number(kv.create_revision),
      })),
      this.state.revision,
    );
  }

  /**
   * Follows the routing range from the next revision until the stream fails, etcd cancels the watch
   * or the member stays silent for `watchSilenceMs` although a progress notification is requested
   * every `progressIntervalMs` (a paused or wedged member keeps its TCP connections open, so only
   * silence tells). Progress notifications prove liveness only: etcd 3.4 may send one ahead of
   * events a slow watcher has not received yet, so the resume revision follows events alone.
   */
  private async watch(client: Etcd3, established: () => void): Promise<WatchEnd> {
    const stream = await client.watchClient.watch();
    return new Promise<WatchEnd>((resolve) => {
      let heardAt = performance.now();
      let created = false;
      let done = false;
      const finish = (end: WatchEnd) => {
        if (done) return;
        done = true;
        clearInterval(timer);
        this.stopCurrent = undefined;
        // Cancelling makes the stream emit a CANCELLED error, ignored like everything after this.
        stream.cancel();
        resolve(end);
      };
      this.stopCurrent = () => finish({ relist: false, reason: "stopped" });
      const timer = setInterval(() => {
        const silent = performance.now() - heardAt;
        if (silent > ETCD_TIMING.watchSilenceMs) {
          finish({ relist: false, reason: `member did not answer for ${Math.round(silent)} ms` });
        } else if (created) {
          stream.write({ progress_request: {} } as IWatchRequest);
        }
      }, ETCD_TIMING.progressIntervalMs);
      stream.on("data", (res: IWatchResponse) => {
        if (done) return;
        heardAt = performance.now();
        if (res.canceled) {
          finish({
            relist: Number(res.compact_revision) > 0,
            reason: `watch cancelled by etcd: ${res.cancel_reason || `compacted at ${res.compact_revision}`}`,
          });
        } else if (res.created) {
          // Created is not yet answering: a member restarting without a quorum creates watches it
          // cannot feed. The watch counts as established once its first progress notification is in.
          created = true;
          stream.write({ progress_request: {} } as IWatchRequest);
        } else if (res.events.length === 0) {
          this.state.lastProgressAt = heardAt;
          if (!this.state.watching) {
            established();
            this.setWatching(true);
          }
        } else {
          this.state.revision = Math.max(this.state.revision, Number(res.header.revision));
          this.state.lastEventAt = heardAt;
          this.handlers.changes(
            res.events.map((ev) => ({
              key: ev.kv.key.toString(),
              value: ev.type === "Delete" ? undefined : ev.kv.value,
              modRevision: Number(ev.kv.mod_revision),
              createRevision: Number(ev.kv.create_revision),
            })),
            this.state.revision,
          );
        }
      });
      stream.on("error", (e: Error) => finish({ relist: false, reason: e.message }));
      stream.on("end", () => finish({ relist: false, reason: "watch stream ended" }));
      stream.write({
        create_request: {
          key: routingRange.start,
          range_end: routingRange.end,
          start_revision: this.state.revision + 1,
          progress_notify: true,
        },
      });
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
  /** Grows while writes fail (etcd down), so a dead cluster is not hammered every interval. */
  private backoffMs = 0;

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
    const wait = Math.max(0, this.lastWrite + Math.max(this.intervalMs, this.backoffMs) - Date.now());
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
      this.backoffMs = 0;
      this.onResult(true);
    } catch (e) {
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 100), 1000);
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
