/** Panel factories shared by the dashboards: every panel is one InfluxQL target on one datasource. */
import * as common from "@grafana/grafana-foundation-sdk/common";
import * as dashboard from "@grafana/grafana-foundation-sdk/dashboard";
import * as stat from "@grafana/grafana-foundation-sdk/stat";
import * as table from "@grafana/grafana-foundation-sdk/table";
import * as timeseries from "@grafana/grafana-foundation-sdk/timeseries";
import { INFLUXDB_DATASOURCE_TYPE, InfluxQLQueryBuilder } from "../influxql";

export interface PanelSpec {
  title: string;
  description: string;
  query: string;
  unit?: string;
  /** Legend per series (`$tag_host`). */
  alias?: string;
  /** A dashed line (and red area above or below it) at this value: a limit from config. */
  threshold?: { value: number; label: string };
}

const ref = (uid: string): dashboard.DataSourceRef => ({ type: INFLUXDB_DATASOURCE_TYPE, uid });

function target(uid: string, spec: PanelSpec): InfluxQLQueryBuilder {
  const q = new InfluxQLQueryBuilder(uid, spec.query);
  return spec.alias ? q.alias(spec.alias) : q;
}

function thresholds(spec: PanelSpec): dashboard.ThresholdsConfigBuilder {
  const steps: dashboard.Threshold[] = [{ value: null, color: "green" }];
  if (spec.threshold) steps.push({ value: spec.threshold.value, color: "red" });
  return new dashboard.ThresholdsConfigBuilder().mode(dashboard.ThresholdsMode.Absolute).steps(steps);
}

export function timeseriesPanel(uid: string, spec: PanelSpec): timeseries.PanelBuilder {
  const panel = new timeseries.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(ref(uid))
    .withTarget(target(uid, spec))
    .unit(spec.unit ?? "short")
    .thresholds(thresholds(spec))
    .height(8)
    .span(12);
  if (spec.threshold) {
    panel.thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  return panel;
}

export function statPanel(uid: string, spec: PanelSpec): stat.PanelBuilder {
  return (
    new stat.PanelBuilder()
      .title(spec.title)
      .description(spec.description)
      .datasource(ref(uid))
      .withTarget(target(uid, spec))
      .unit(spec.unit ?? "short")
      .thresholds(thresholds(spec))
      // An empty result means none matched (no unready pod), not a broken query.
      .noValue("0")
      .height(4)
      .span(6)
  );
}

export function tablePanel(uid: string, spec: PanelSpec): table.PanelBuilder {
  return new table.PanelBuilder()
    .title(spec.title)
    .description(spec.description)
    .datasource(ref(uid))
    .withTarget(target(uid, spec).table())
    .unit(spec.unit ?? "short")
    .thresholds(thresholds(spec))
    .height(8)
    .span(12);
}

export interface DashboardSpec {
  uid: string;
  title: string;
  tags: string[];
  panels: { kind: "timeseries" | "stat" | "table"; spec: PanelSpec }[];
}

const FACTORIES = { timeseries: timeseriesPanel, stat: statPanel, table: tablePanel } as const;

export function buildDashboard(datasourceUid: string, d: DashboardSpec): dashboard.Dashboard {
  const builder = new dashboard.DashboardBuilder(d.title)
    .uid(d.uid)
    .tags(["switchyard", ...d.tags])
    .time({ from: "now-6h", to: "now" })
    .refresh("1m")
    .readonly();
  for (const p of d.panels) builder.withPanel(FACTORIES[p.kind](datasourceUid, p.spec));
  return builder.build();
}
