/** Counters and gauges of the registrar (docs/registrar.md), exposed through prom-client. */
import { MetricSet } from "../runtime/metrics";

/** What the registrar knows of its own progress; /status reports it and the gauges read it. */
export interface RegistrarProgress {
  kubernetesConnected: boolean;
  /** Member records desired at the last reconcile. */
  members: number;
  skippedSlices: number;
  /** Unix time (seconds) of the last successful reconcile; 0 before the first. */
  lastReconcileSuccess: number;
}

export class RegistrarMetrics {
  private readonly set = new MetricSet();
  readonly reconciles = this.set.counter("switchyard_registrar_reconciles_total", "Successful reconciles.");
  readonly reconcileErrors = this.set.counter(
    "switchyard_registrar_reconcile_errors_total",
    "Reconciles that failed (retried with backoff).",
  );
  readonly puts = this.set.counter("switchyard_registrar_member_puts_total", "Member records written.");
  readonly deletes = this.set.counter("switchyard_registrar_member_deletes_total", "Member records deleted.");

  constructor(progress: RegistrarProgress) {
    this.set.sampled(
      "switchyard_registrar_members",
      "Member records desired at the last reconcile.",
      () => progress.members,
    );
    this.set.sampled(
      "switchyard_registrar_skipped_slices",
      "Matching EndpointSlices that yield no members.",
      () => progress.skippedSlices,
    );
    this.set.sampled(
      "switchyard_registrar_kubernetes_connected",
      "1 while EndpointSlices are listed/watched.",
      () => (progress.kubernetesConnected ? 1 : 0),
    );
    this.set.sampled(
      "switchyard_registrar_last_reconcile_success_timestamp_seconds",
      "Unix time of the last successful reconcile.",
      () => progress.lastReconcileSuccess,
    );
  }

  get contentType(): string {
    return this.set.contentType;
  }

  render(): Promise<string> {
    return this.set.render();
  }
}
