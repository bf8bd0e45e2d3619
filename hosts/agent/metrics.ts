/** Counters and gauges of the agent (docs/agent.md, "Local endpoint"), exposed through prom-client. */
import type { WatchHealth } from "../runtime/etcd";
import { MetricSet } from "../runtime/metrics";

const APPLY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  private readonly set = new MetricSet();
  readonly flips = this.set.counter("switchyard_agent_flips_total", "Hosts switched to another colour.");
  readonly refusedFlips = this.set.counter(
    "switchyard_agent_refused_flips_total",
    "Flips refused by the minHealthy guard.",
  );
  readonly reloads = this.set.counter(
    "switchyard_agent_reloads_total",
    "HAProxy reloads (structural changes).",
  );
  readonly applyErrors = this.set.counter(
    "switchyard_agent_apply_errors_total",
    "Failed applies (last good config kept).",
  );
  readonly runtimeCommands = this.set.counter(
    "switchyard_agent_runtime_commands_total",
    "Runtime API commands sent.",
  );
  readonly lastApplySuccess = this.set.gauge(
    "switchyard_agent_last_apply_success_timestamp_seconds",
    "Unix time of the last successful apply.",
  );
  readonly appliedRevision = this.set.gauge(
    "switchyard_agent_applied_revision",
    "etcd revision reflected in HAProxy.",
  );
  readonly rejectedRecords = this.set.gauge(
    "switchyard_agent_rejected_records",
    "etcd records rejected as invalid.",
  );
  /** Spare pairs no app is bound to: a new app's route needs a reload once this is 0. */
  readonly sparePairsFree = this.set.gauge(
    "switchyard_agent_spare_pairs_free",
    "Free spare backend pairs: new apps' routes that can be added without a reload.",
  );
  readonly statusWriteErrors = this.set.counter(
    "switchyard_agent_status_write_errors_total",
    "Failed status writes to etcd (retried with back-off up to 1 s).",
  );
  readonly apply = this.set.histogram(
    "switchyard_agent_apply_seconds",
    "Time from an etcd change (or health change) to HAProxy serving it.",
    APPLY_BUCKETS,
  );

  /** `watch`: the routing watch's health, read at every scrape (the same object /status reports). */
  constructor(watch: () => WatchHealth) {
    this.set.sampled(
      "switchyard_agent_etcd_connected",
      "1 while the routing watch is established and its member answers.",
      () => (watch().watching ? 1 : 0),
    );
    // Seconds since the watch last heard from etcd: an event or a progress notification (requested
    // every 0.5 s). -1 before the first one.
    this.set.sampled(
      "switchyard_agent_etcd_watch_last_heard_age_seconds",
      "Seconds since the routing watch received an event or progress notification (-1: never).",
      () => {
        const w = watch();
        const heard = Math.max(w.lastEventAt ?? -Infinity, w.lastProgressAt ?? -Infinity);
        return Number.isFinite(heard) ? Math.round(performance.now() - heard) / 1000 : -1;
      },
    );
    this.set.sampled(
      "switchyard_agent_etcd_watch_revision",
      "etcd revision up to which the watch has received every routing change.",
      () => watch().revision,
    );
    this.set.sampledCounter(
      "switchyard_agent_etcd_watch_reconnects_total",
      "Times the routing watch moved to another member or was set up again.",
      () => watch().reconnects,
    );
    this.set.sampledBy(
      "switchyard_agent_etcd_watch_member",
      "The etcd member the routing watch runs on (value 1).",
      "member",
      () => {
        const member = watch().member;
        return new Map(member ? [[member, 1]] : []);
      },
    );
  }

  get contentType(): string {
    return this.set.contentType;
  }

  render(): Promise<string> {
    return this.set.render();
  }
}
