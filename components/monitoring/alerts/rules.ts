/**
 * Alert rules as data, then as Grafana rules built with the foundation SDK: each is one InfluxQL
 * query (A), a reduction of every series to one number (B) and a threshold on it (C). Series keep
 * their tags as alert labels, so a restart alert names namespace, pod and container.
 */
import * as alerting from "@grafana/grafana-foundation-sdk/alerting";
import * as expr from "@grafana/grafana-foundation-sdk/expr";
import { agentReportsQuery } from "../dashboards/routing";
import { InfluxQLQueryBuilder } from "../influxql";
import { CONTAINER_IDENTITY, f, m, t, type Measurement } from "../measurements";

export type Evaluator = "gt" | "lt" | "ne";
export type Reducer = "last" | "max" | "min";

export interface AlertSpec {
  uid: string;
  title: string;
  /** Annotation template; `{{ .Labels.x }}` are the series' tags. */
  summary: string;
  query: string;
  /** The query's time range (relativeTimeRange and the query's own time condition), seconds. */
  rangeSeconds: number;
  reducer: Reducer;
  threshold: { type: Evaluator; value: number };
  /** How long the condition must hold before the alert fires. */
  for: string;
  /** What a query without any series means: for "no data" rules, silence is the alert. */
  noData: "OK" | "Alerting";
  severity: "critical" | "warning";
}

/** A collector whose silence raises an alert, per `host` it writes as. */
export interface DataSource {
  /** Stable rule id: `no-data-<id>`. */
  id: string;
  measurement: Measurement;
  /**
   * A non-negative numeric field only this source writes, so another writer of the measurement
   * does not hide its silence (the query keeps only points that carry it).
   */
  field: string;
  label: string;
}

export interface RoutedApp {
  app: string;
  live: "blue" | "green";
  minHealthy: number;
}

export interface AlertThresholds {
  restartsPerDay: number;
  replicaLagSeconds: number;
  agentStaleSeconds: number;
  noDataMinutes: number;
}

export interface AlertInputs {
  thresholds: AlertThresholds;
  apps: RoutedApp[];
  /** Which sources this stack collects (database rules only when there are database hosts). */
  sources: DataSource[];
  databases: boolean;
}

const PC = "kubernetes_pod_container" as const;
const HA = "haproxy" as const;
const AGENT = "switchyard_agent" as const;
const MY = "mysql" as const;
const MONGO = "mongodb" as const;

/**
 * The time condition, written out: rules carry no `$timeFilter` (Grafana interpolates `$NAME` in
 * provisioning files as environment variables). It matches the query's relativeTimeRange.
 */
const within = (seconds: number): string => `time > now() - ${seconds}s`;

export function alertSpecs(i: AlertInputs): AlertSpec[] {
  const th = i.thresholds;
  const identity = CONTAINER_IDENTITY.map((tag) => t(PC, tag)).join(", ");
  const specs: AlertSpec[] = [
    {
      uid: "container-restarts",
      title: "Container restarting",
      summary: `{{ .Labels.namespace }}/{{ .Labels.pod_name }}/{{ .Labels.container_name }} restarted more than ${th.restartsPerDay} times in 24 h`,
      query: `SELECT spread(${f(PC, "restarts_total")}) AS "restarts" FROM ${m(PC)} WHERE ${within(24 * 3600)} GROUP BY ${identity}`,
      rangeSeconds: 24 * 3600,
      reducer: "last",
      threshold: { type: "gt", value: th.restartsPerDay },
      for: "0s",
      noData: "OK",
      severity: "warning",
    },
    {
      uid: "node-not-ready",
      title: "Node not ready",
      summary: "Node {{ .Labels.node_name }} is not Ready",
      query: `SELECT last(${f("kubernetes_node", "status_condition")}) FROM ${m("kubernetes_node")} WHERE ${t("kubernetes_node", "condition")} = 'Ready' AND ${within(600)} GROUP BY ${t("kubernetes_node", "node_name")}`,
      rangeSeconds: 600,
      reducer: "last",
      threshold: { type: "ne", value: 1 },
      for: "2m",
      noData: "OK",
      severity: "critical",
    },
    {
      uid: "deployment-below-desired",
      title: "Deployment below desired replicas",
      summary: "{{ .Labels.namespace }}/{{ .Labels.deployment_name }} has unavailable replicas",
      query: `SELECT last(${f("kubernetes_deployment", "replicas_unavailable")}) FROM ${m("kubernetes_deployment")} WHERE ${within(600)} GROUP BY ${t("kubernetes_deployment", "namespace")}, ${t("kubernetes_deployment", "deployment_name")}`,
      rangeSeconds: 600,
      reducer: "last",
      threshold: { type: "gt", value: 0 },
      for: "5m",
      noData: "OK",
      severity: "warning",
    },
    ...i.apps.map((a): AlertSpec => ({
      uid: `backend-down-${a.app}`,
      title: `${a.app}: live backend below minHealthy`,
      summary: `{{ .Labels.host }}: be_${a.app}_${a.live} (live) has fewer servers UP than minHealthy ${a.minHealthy}`,
      query: `SELECT last(${f(HA, "active_servers")}) FROM ${m(HA)} WHERE ${t(HA, "type")} = 'backend' AND ${t(HA, "proxy")} = 'be_${a.app}_${a.live}' AND ${within(300)} GROUP BY ${t(HA, "host")}`,
      rangeSeconds: 300,
      reducer: "last",
      threshold: { type: "lt", value: a.minHealthy },
      for: "1m",
      noData: "OK",
      severity: "critical",
    })),
    {
      uid: "agent-stale",
      title: "Agent status stale",
      summary: `switchyard-agent on {{ .Labels.host }} has not reported with etcd connected for ${th.agentStaleSeconds} s`,
      query: agentReportsQuery(within(900), th.agentStaleSeconds),
      rangeSeconds: 900,
      reducer: "last",
      threshold: { type: "lt", value: 0.05 },
      for: "0s",
      noData: "OK",
      severity: "critical",
    },
    {
      uid: "agent-refused-flip",
      title: "Agent refused a flip",
      summary:
        "switchyard-agent on {{ .Labels.host }} refused a flip in the last 15 min (target colour below minHealthy)",
      query: `SELECT spread(${f(AGENT, "switchyard_agent_refused_flips_total")}) FROM ${m(AGENT)} WHERE ${within(900)} GROUP BY ${t(AGENT, "host")}`,
      rangeSeconds: 900,
      reducer: "last",
      threshold: { type: "gt", value: 0 },
      for: "0s",
      noData: "OK",
      severity: "warning",
    },
    {
      uid: "etcd-no-leader",
      title: "etcd member without leader",
      summary: "etcd on {{ .Labels.host }} sees no leader",
      query: `SELECT last(${f("etcd", "etcd_server_has_leader")}) FROM ${m("etcd")} WHERE ${within(300)} GROUP BY ${t("etcd", "host")}`,
      rangeSeconds: 300,
      reducer: "last",
      threshold: { type: "lt", value: 1 },
      for: "1m",
      noData: "OK",
      severity: "critical",
    },
  ];
  if (i.databases) {
    specs.push(
      {
        uid: "mysql-replica-lag",
        title: "MySQL replica lagging",
        summary: `{{ .Labels.host }} is more than ${th.replicaLagSeconds} s behind its source`,
        query: `SELECT last(${f(MY, "slave_seconds_behind_source")}) FROM ${m(MY)} WHERE ${within(300)} GROUP BY ${t(MY, "host")}`,
        rangeSeconds: 300,
        reducer: "last",
        threshold: { type: "gt", value: th.replicaLagSeconds },
        for: "2m",
        noData: "OK",
        severity: "warning",
      },
      {
        uid: "mysql-replication-stopped",
        title: "MySQL replication stopped",
        summary: "{{ .Labels.host }}: the replica's IO or SQL thread is not running",
        query: `SELECT count(${f(MY, "slave_replica_io_running")}) FROM ${m(MY)} WHERE (${f(MY, "slave_replica_io_running")} <> 'Yes' OR ${f(MY, "slave_replica_sql_running")} <> 'Yes') AND ${within(300)} GROUP BY ${t(MY, "host")}`,
        rangeSeconds: 300,
        reducer: "last",
        threshold: { type: "gt", value: 0 },
        for: "1m",
        noData: "OK",
        severity: "critical",
      },
      {
        uid: "mongodb-replica-lag",
        title: "MongoDB secondary lagging",
        summary: `{{ .Labels.host }} is more than ${th.replicaLagSeconds} s behind the primary`,
        // repl_lag: the primary's optime minus this member's (replSetGetStatus), 0 on the primary.
        query: `SELECT last(${f(MONGO, "repl_lag")}) FROM ${m(MONGO)} WHERE ${within(300)} GROUP BY ${t(MONGO, "host")}`,
        rangeSeconds: 300,
        reducer: "last",
        threshold: { type: "gt", value: th.replicaLagSeconds },
        for: "2m",
        noData: "OK",
        severity: "warning",
      },
    );
  }
  for (const s of i.sources) {
    const minutes = th.noDataMinutes;
    specs.push({
      uid: `no-data-${s.id}`,
      title: `No data from ${s.label}`,
      summary: `No ${s.label} data (${s.measurement}) from {{ .Labels.host }} for ${minutes} min`,
      query: `SELECT moving_average(count("${s.field}"), ${minutes}) FROM ${m(s.measurement)} WHERE "${s.field}" >= 0 AND ${within(3600)} GROUP BY time(1m), "host" fill(0)`,
      rangeSeconds: 3600,
      reducer: "last",
      threshold: { type: "lt", value: 0.05 },
      for: "0s",
      noData: "Alerting",
      severity: "critical",
    });
  }
  return specs;
}

export const EXPRESSION_DATASOURCE = { type: "__expr__", uid: "__expr__" } as const;

export function buildRule(
  spec: AlertSpec,
  datasourceUid: string,
  folderUid: string,
  group: string,
): alerting.Rule {
  const query = new alerting.QueryBuilder("A")
    .datasourceUid(datasourceUid)
    .relativeTimeRange({ from: spec.rangeSeconds, to: 0 })
    .model(new InfluxQLQueryBuilder(datasourceUid, spec.query).refId("A"));
  const reduce = new alerting.QueryBuilder("B")
    .datasourceUid(EXPRESSION_DATASOURCE.uid)
    .model(
      new expr.TypeReduceBuilder()
        .refId("B")
        .datasource(EXPRESSION_DATASOURCE)
        .expression("A")
        .reducer(spec.reducer)
        .settings({ mode: "dropNN" }),
    );
  const threshold = new alerting.QueryBuilder("C").datasourceUid(EXPRESSION_DATASOURCE.uid).model(
    new expr.TypeThresholdBuilder()
      .refId("C")
      .datasource(EXPRESSION_DATASOURCE)
      .expression("B")
      .conditions([{ evaluator: { type: spec.threshold.type, params: [spec.threshold.value] } }]),
  );
  return new alerting.RuleBuilder(spec.title)
    .uid(spec.uid)
    .folderUID(folderUid)
    .ruleGroup(group)
    .orgID(1)
    .queries([query, reduce, threshold])
    .condition("C")
    .forDuration(spec.for)
    .noDataState(spec.noData)
    .execErrState("Error")
    .labels({ severity: spec.severity, source: "switchyard" })
    .annotations({ summary: spec.summary })
    .build();
}
