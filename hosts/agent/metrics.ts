/** Counters and gauges of the agent, rendered in the Prometheus text format. */
import type { WatchHealth } from "../runtime/etcd";

const APPLY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  flips = 0;
  refusedFlips = 0;
  reloads = 0;
  applyErrors = 0;
  runtimeCommands = 0;
  lastApplySuccess = 0;
  appliedRevision = 0;
  rejectedRecords = 0;
  /** Spare pairs no app is bound to: a new app's route needs a reload once this is 0. */
  sparePairsFree = 0;
  statusWriteErrors = 0;
  private readonly applyBuckets = APPLY_BUCKETS.map(() => 0);
  private applyCount = 0;
  private applySum = 0;

  observeApply(seconds: number): void {
    this.applyCount++;
    this.applySum += seconds;
    APPLY_BUCKETS.forEach((b, i) => {
      if (seconds <= b) this.applyBuckets[i]++;
    });
  }

  render(watch: WatchHealth): string {
    const out: string[] = [];
    const metric = (name: string, type: string, help: string, value: number) =>
      out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`, `${name} ${value}`);
    metric("switchyard_agent_flips_total", "counter", "Hosts switched to another colour.", this.flips);
    metric(
      "switchyard_agent_refused_flips_total",
      "counter",
      "Flips refused by the minHealthy guard.",
      this.refusedFlips,
    );
    metric(
      "switchyard_agent_reloads_total",
      "counter",
      "HAProxy reloads (structural changes).",
      this.reloads,
    );
    metric(
      "switchyard_agent_apply_errors_total",
      "counter",
      "Failed applies (last good config kept).",
      this.applyErrors,
    );
    metric(
      "switchyard_agent_runtime_commands_total",
      "counter",
      "Runtime API commands sent.",
      this.runtimeCommands,
    );
    metric(
      "switchyard_agent_last_apply_success_timestamp_seconds",
      "gauge",
      "Unix time of the last successful apply.",
      this.lastApplySuccess,
    );
    metric(
      "switchyard_agent_applied_revision",
      "gauge",
      "etcd revision reflected in HAProxy.",
      this.appliedRevision,
    );
    metric(
      "switchyard_agent_rejected_records",
      "gauge",
      "etcd records rejected as invalid.",
      this.rejectedRecords,
    );
    metric(
      "switchyard_agent_spare_pairs_free",
      "gauge",
      "Free spare backend pairs: new apps' routes that can be added without a reload.",
      this.sparePairsFree,
    );
    metric(
      "switchyard_agent_etcd_connected",
      "gauge",
      "1 while the routing watch is established and its member answers.",
      watch.watching ? 1 : 0,
    );
    // Seconds since the watch last heard from etcd: an event or a progress notification (requested
    // every 0.5 s). -1 before the first one.
    const heard = Math.max(watch.lastEventAt ?? -Infinity, watch.lastProgressAt ?? -Infinity);
    metric(
      "switchyard_agent_etcd_watch_last_heard_age_seconds",
      "gauge",
      "Seconds since the routing watch received an event or progress notification (-1: never).",
      Number.isFinite(heard) ? Math.round(performance.now() - heard) / 1000 : -1,
    );
    metric(
      "switchyard_agent_etcd_watch_revision",
      "gauge",
      "etcd revision up to which the watch has received every routing change.",
      watch.revision,
    );
    metric(
      "switchyard_agent_etcd_watch_reconnects_total",
      "counter",
      "Times the routing watch moved to another member or was set up again.",
      watch.reconnects,
    );
    out.push(
      "# HELP switchyard_agent_etcd_watch_member The etcd member the routing watch runs on (value 1).",
      "# TYPE switchyard_agent_etcd_watch_member gauge",
      ...(watch.member ? [`switchyard_agent_etcd_watch_member{member="${watch.member}"} 1`] : []),
    );
    metric(
      "switchyard_agent_status_write_errors_total",
      "counter",
      "Failed status writes to etcd (retried with back-off up to 1 s).",
      this.statusWriteErrors,
    );
    out.push(
      "# HELP switchyard_agent_apply_seconds Time from an etcd change (or health change) to HAProxy serving it.",
      "# TYPE switchyard_agent_apply_seconds histogram",
      ...APPLY_BUCKETS.map(
        (b, i) => `switchyard_agent_apply_seconds_bucket{le="${b}"} ${this.applyBuckets[i]}`,
      ),
      `switchyard_agent_apply_seconds_bucket{le="+Inf"} ${this.applyCount}`,
      `switchyard_agent_apply_seconds_sum ${this.applySum}`,
      `switchyard_agent_apply_seconds_count ${this.applyCount}`,
    );
    return out.join("\n") + "\n";
  }
}
