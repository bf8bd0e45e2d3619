/**
 * switchyard-registrar: keeps `/switchyard/v1/members/<app>/<colour>/<id>` in etcd equal to the
 * serving pods of the managed apps' per-colour Services.
 *
 * Managed apps are the pinned ones (`--apps`, optional) plus every app seen on a labelled
 * (`switchyard.io/routed=true`) per-colour Service's slices since start, whichever stack declared
 * it. A discovered app is never forgotten while the process runs, so an app whose Services are
 * deleted has its members deleted too; members of apps it does not manage are never touched.
 *
 * Every reconcile is full-state (read the managed apps' members back, diff against the current
 * EndpointSlice view, write the difference), so it is idempotent and two replicas with the same view
 * write the same records. Nothing is reconciled before the first successful list: an empty view
 * because Kubernetes is unreachable must never be mistaken for "no pods". After that, the last view
 * is kept through API outages (stale-but-present beats empty; HAProxy's checks take dead pods out).
 */
import type { Server } from "node:http";
import type { Etcd3 } from "etcd3";
import { startHttp } from "../runtime/http";
import type { Logger } from "../runtime/log";
import { EndpointSliceSource, MAX_BACKOFF_MS } from "./kube";
import type { KubeAccess } from "./kube";
import { explainEtcdError, type EtcdAccess } from "../../model/etcd/errors";
import { desiredMembers, discoveredApps, labelSelector, managedPrefixes, memberWrites } from "./members";
import type { EndpointSlice } from "./members";

export interface RegistrarOptions {
  /** Apps managed even before (or without) any labelled slice of theirs is seen. */
  apps: string[];
  namespace: string;
  portName: string;
  kube: KubeAccess;
  httpAddress: string;
  httpPort: number;
  /** Full reconcile at least this often, repairing members changed in etcd behind our back. */
  resyncMs: number;
}

export class RegistrarMetrics {
  reconciles = 0;
  reconcileErrors = 0;
  puts = 0;
  deletes = 0;
  members = 0;
  skippedSlices = 0;
  kubernetesConnected = false;
  lastReconcileSuccess = 0;

  render(): string {
    const rows: [string, string, string, number][] = [
      ["reconciles_total", "counter", "Successful reconciles.", this.reconciles],
      [
        "reconcile_errors_total",
        "counter",
        "Reconciles that failed (retried with backoff).",
        this.reconcileErrors,
      ],
      ["member_puts_total", "counter", "Member records written.", this.puts],
      ["member_deletes_total", "counter", "Member records deleted.", this.deletes],
      ["members", "gauge", "Member records desired at the last reconcile.", this.members],
      ["skipped_slices", "gauge", "Matching EndpointSlices that yield no members.", this.skippedSlices],
      [
        "kubernetes_connected",
        "gauge",
        "1 while EndpointSlices are listed/watched.",
        this.kubernetesConnected ? 1 : 0,
      ],
      [
        "last_reconcile_success_timestamp_seconds",
        "gauge",
        "Unix time of the last successful reconcile.",
        this.lastReconcileSuccess,
      ],
    ];
    return (
      rows
        .flatMap(([name, type, help, value]) => [
          `# HELP switchyard_registrar_${name} ${help}`,
          `# TYPE switchyard_registrar_${name} ${type}`,
          `switchyard_registrar_${name} ${value}`,
        ])
        .join("\n") + "\n"
    );
  }
}

export class Registrar {
  readonly metrics = new RegistrarMetrics();
  /** Pinned apps plus every app discovered on labelled slices since start; only ever grows. */
  private readonly apps = new Set<string>();
  private readonly slices = new Map<string, EndpointSlice>();
  private readonly source: EndpointSliceSource;
  private synced = false;
  private ready = false;
  private running = false;
  private dirty = false;
  private stopped = false;
  private retryDelay = 200;
  private retryTimer?: NodeJS.Timeout;
  private resyncTimer?: NodeJS.Timeout;
  private lastError?: string;
  private server?: Server;
  private sourceDone?: Promise<void>;

  constructor(
    private readonly options: RegistrarOptions,
    private readonly etcd: Etcd3,
    private readonly log: Logger,
  ) {
    for (const app of options.apps) this.apps.add(app);
    const key = (s: EndpointSlice) => `${s.metadata.namespace ?? ""}/${s.metadata.name}`;
    this.source = new EndpointSliceSource(options.kube, options.namespace, labelSelector(), log, {
      replace: (items) => {
        this.slices.clear();
        for (const s of items) this.slices.set(key(s), s);
        this.synced = true;
        this.request();
      },
      upsert: (s) => {
        this.slices.set(key(s), s);
        this.request();
      },
      remove: (s) => {
        this.slices.delete(key(s));
        this.request();
      },
      connection: (ok) => {
        this.metrics.kubernetesConnected = ok;
      },
    });
  }

  async start(): Promise<void> {
    this.server = await startHttp(this.options.httpAddress, this.options.httpPort, {
      status: () => this.status(),
      metrics: () => this.metrics.render(),
      healthy: () => this.ready,
    });
    this.sourceDone = this.source.run();
    this.resyncTimer = setInterval(() => this.request(), this.options.resyncMs);
  }

  httpPort(): number {
    const addr = this.server?.address();
    return typeof addr === "object" && addr ? addr.port : 0;
  }

  status(): Record<string, unknown> {
    return {
      apps: [...this.apps].sort(),
      pinnedApps: [...this.options.apps].sort(),
      namespace: this.options.namespace,
      synced: this.synced,
      kubernetesConnected: this.metrics.kubernetesConnected,
      slices: this.slices.size,
      members: this.metrics.members,
      lastReconcileSuccess: this.metrics.lastReconcileSuccess,
      lastError: this.lastError,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.resyncTimer);
    clearTimeout(this.retryTimer);
    this.source.stop();
    await this.sourceDone;
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  /** Asks for a reconcile; at most one runs at a time and changes during it cause one more. */
  private request(): void {
    if (!this.synced || this.stopped) return;
    this.dirty = true;
    if (!this.running && !this.retryTimer) void this.loop();
  }

  private async loop(): Promise<void> {
    this.running = true;
    try {
      while (this.dirty && !this.stopped) {
        this.dirty = false;
        await this.reconcile();
      }
      this.retryDelay = 200;
    } catch (e) {
      this.metrics.reconcileErrors++;
      this.lastError = String(e);
      this.log.warn("reconcile failed; retrying", { error: this.lastError, retryInMs: this.retryDelay });
      this.dirty = true;
      this.retryTimer = setTimeout(() => {
        this.retryTimer = undefined;
        void this.loop();
      }, this.retryDelay);
      this.retryDelay = Math.min(this.retryDelay * 2, MAX_BACKOFF_MS);
    } finally {
      this.running = false;
    }
  }

  private async reconcile(): Promise<void> {
    // Only from a listed/watched view (reconciles wait for the first list, and an outage keeps the
    // last view), so discovery never shrinks and an outage never makes an app look gone.
    for (const app of discoveredApps(this.slices.values())) {
      if (this.apps.has(app)) continue;
      this.apps.add(app);
      this.log.info("app discovered", { app });
    }
    const desired = desiredMembers(this.slices.values(), this.apps, this.options.portName);
    const actual: Record<string, string> = {};
    for (const prefix of managedPrefixes(this.apps)) {
      const read = this.etcd.getAll().prefix(prefix).strings();
      Object.assign(
        actual,
        await denied(read, "read members", { permission: "read", key: prefix, range: "prefix" }),
      );
    }
    const writes = memberWrites(desired.members, actual, this.apps);
    const write = (key: string) => ({ permission: "readwrite", key }) as const;
    // Puts first: a pod replaced by another is never briefly absent with no successor.
    await Promise.all(
      writes.puts.map((p) =>
        denied(this.etcd.put(p.key).value(p.value).exec(), "write a member", write(p.key)),
      ),
    );
    await Promise.all(
      writes.deletes.map((key) => denied(this.etcd.delete().key(key).exec(), "delete a member", write(key))),
    );
    for (const p of writes.puts) this.log.info("member written", { key: p.key, value: p.value });
    for (const key of writes.deletes) this.log.info("member deleted", { key });
    // Logged when the count changes, not on every reconcile: the gauge carries the steady state.
    if (desired.skipped.length !== this.metrics.skippedSlices) {
      for (const s of desired.skipped) this.log.warn("endpointslice yields no members", { ...s });
    }
    this.metrics.reconciles++;
    this.metrics.puts += writes.puts.length;
    this.metrics.deletes += writes.deletes.length;
    this.metrics.members = desired.members.size;
    this.metrics.skippedSlices = desired.skipped.length;
    this.metrics.lastReconcileSuccess = Math.floor(Date.now() / 1000);
    this.lastError = undefined;
    this.ready = true;
  }
}

/** `op`, with a refusal by etcd turned into an error that names the permission. */
async function denied<T>(op: Promise<T>, what: string, access: EtcdAccess): Promise<T> {
  try {
    return await op;
  } catch (e) {
    throw explainEtcdError(e, what, access);
  }
}
