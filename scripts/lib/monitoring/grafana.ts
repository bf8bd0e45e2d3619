/**
 * What Grafana does with the provisioned files that this machine can do without Grafana: read
 * every panel and rule query out of the rendered files, replace the InfluxQL macros of panel
 * queries, and evaluate a rule's reduce and threshold expressions on the series InfluxDB returns.
 * Only the expression types and reducers the component renders are implemented; anything else is
 * an error, so a new kind of rule cannot pass unevaluated.
 */
import { parse } from "yaml";
import { interpolateInfluxQL } from "../../../components/monitoring/influxql";
import type { Series } from "./influxd";

export interface PanelQuery {
  dashboard: string;
  panel: string;
  datasourceUid: string;
  query: string;
}

export interface RuleQuery {
  uid: string;
  title: string;
  datasourceUid: string;
  query: string;
  rangeSeconds: number;
  noDataState: string;
  reducer: string;
  threshold: { type: string; value: number };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- provisioning files are free-form
type Json = any;

export function panelQueries(dashboardFiles: Record<string, string>): PanelQuery[] {
  return Object.values(dashboardFiles).flatMap((text) => {
    const d = JSON.parse(text) as Json;
    return (d.panels as Json[]).flatMap((p) =>
      (p.targets as Json[]).map((t) => ({
        dashboard: d.title as string,
        panel: p.title as string,
        datasourceUid: t.datasource.uid as string,
        query: t.query as string,
      })),
    );
  });
}

export function ruleQueries(rulesFile: string): RuleQuery[] {
  const doc = parse(rulesFile) as Json;
  return (doc.groups as Json[]).flatMap((g) =>
    (g.rules as Json[]).map((r) => {
      const byRef = Object.fromEntries((r.data as Json[]).map((d) => [d.refId, d]));
      const condition = byRef[r.condition];
      if (condition?.model?.type !== "threshold")
        throw new Error(`${r.uid}: condition ${r.condition} is not a threshold`);
      const reduce = byRef[condition.model.expression];
      if (reduce?.model?.type !== "reduce") throw new Error(`${r.uid}: threshold input is not a reduce`);
      const source = byRef[reduce.model.expression];
      if (!source?.model?.query) throw new Error(`${r.uid}: reduce input is not an InfluxQL query`);
      const [cond] = condition.model.conditions as Json[];
      return {
        uid: r.uid as string,
        title: r.title as string,
        datasourceUid: source.datasourceUid as string,
        query: source.model.query as string,
        rangeSeconds: source.relativeTimeRange.from as number,
        noDataState: r.noDataState as string,
        reducer: reduce.model.reducer as string,
        threshold: { type: cond.evaluator.type as string, value: cond.evaluator.params[0] as number },
      };
    }),
  );
}

/** A dashboard's default range (`now-6h`) in seconds, and a Grafana-like interval for it. */
export function panelRange(
  dashboardFiles: Record<string, string>,
  name: string,
): { fromSeconds: number; intervalSeconds: number } {
  const d = JSON.parse(
    Object.values(dashboardFiles).find((t) => (JSON.parse(t) as Json).title === name)!,
  ) as Json;
  const m = /^now-(\d+)([mhd])$/.exec(d.time.from as string);
  if (!m) throw new Error(`unsupported dashboard range ${d.time.from}`);
  const fromSeconds = Number(m[1]) * { m: 60, h: 3600, d: 86400 }[m[2] as "m" | "h" | "d"];
  // Grafana divides the range by the panel's width in points (about 1000) and rounds up.
  return { fromSeconds, intervalSeconds: Math.max(10, Math.ceil(fromSeconds / 1000 / 10) * 10) };
}

export const panelQueryText = (q: PanelQuery, range: { fromSeconds: number; intervalSeconds: number }) =>
  interpolateInfluxQL(q.query, range);

function numbers(s: Series): number[] {
  const col = s.columns.findIndex((c) => c !== "time");
  return s.values.map((row) => row[col]).filter((v): v is number => typeof v === "number");
}

function reduce(values: number[], reducer: string): number | undefined {
  if (values.length === 0) return undefined;
  if (reducer === "last") return values[values.length - 1];
  if (reducer === "max") return Math.max(...values);
  if (reducer === "min") return Math.min(...values);
  throw new Error(`reducer ${reducer} is not implemented here`);
}

function holds(value: number, t: RuleQuery["threshold"]): boolean {
  if (t.type === "gt") return value > t.value;
  if (t.type === "lt") return value < t.value;
  if (t.type === "ne") return value !== t.value;
  throw new Error(`threshold ${t.type} is not implemented here`);
}

export interface RuleResult {
  /** Tag sets of the alert instances that fire; `[{}]` for a query without series under NoData=Alerting. */
  firing: Record<string, string>[];
  series: number;
}

export function evaluateRule(rule: RuleQuery, series: Series[]): RuleResult {
  if (series.length === 0) return { firing: rule.noDataState === "Alerting" ? [{}] : [], series: 0 };
  const firing = series
    .filter((s) => {
      const v = reduce(numbers(s), rule.reducer);
      return v !== undefined && holds(v, rule.threshold);
    })
    .map((s) => s.tags ?? {});
  return { firing, series: series.length };
}

export const hasData = (series: Series[]) => series.some((s) => numbers(s).length > 0);
