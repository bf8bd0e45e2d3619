/** Routing tier: per HAProxy host, what the agent applied and what HAProxy sees. */
import { f, m, t } from "../measurements";
import type { DashboardSpec } from "./panels";

const HA = "haproxy" as const;
const AGENT = "switchyard_agent" as const;
/** Backends the agent renders (`be_<app>_<colour>`), not HAProxy's own stats or fallback. */
const APP_BACKENDS = `${t(HA, "type")} = 'backend' AND ${t(HA, "proxy")} =~ /^be_.+_(blue|green)$/`;

export function routingDashboard(agentStaleSeconds: number): DashboardSpec {
  return {
    uid: "switchyard-routing",
    title: "Routing",
    tags: ["haproxy", "agent"],
    panels: [
      {
        kind: "timeseries",
        spec: {
          title: "Requests per colour",
          description:
            "Requests per second into each app's blue and green backend: the live colour carries the traffic.",
          query: `SELECT non_negative_derivative(last(${f(HA, "req_tot")}), 1s) FROM ${m(HA)} WHERE ${APP_BACKENDS} AND $timeFilter GROUP BY time($__interval), ${t(HA, "host")}, ${t(HA, "proxy")}`,
          unit: "reqps",
          alias: "$tag_host $tag_proxy",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Backend servers UP per colour",
          description: "Servers HAProxy's health checks see UP in each colour's backend, per host.",
          query: `SELECT last(${f(HA, "active_servers")}) FROM ${m(HA)} WHERE ${APP_BACKENDS} AND $timeFilter GROUP BY time($__interval), ${t(HA, "host")}, ${t(HA, "proxy")}`,
          alias: "$tag_host $tag_proxy",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Flips",
          description: "Hosts switched to the other colour, per agent.",
          query: `SELECT non_negative_difference(last(${f(AGENT, "switchyard_agent_flips_total")})) FROM ${m(AGENT)} WHERE $timeFilter GROUP BY time($__interval), ${t(AGENT, "host")}`,
          alias: "$tag_host",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Refused flips",
          description:
            "Flips an agent refused because the target colour had fewer than minHealthy servers UP.",
          query: `SELECT non_negative_difference(last(${f(AGENT, "switchyard_agent_refused_flips_total")})) FROM ${m(AGENT)} WHERE $timeFilter GROUP BY time($__interval), ${t(AGENT, "host")}`,
          alias: "$tag_host",
          threshold: { value: 1, label: "any" },
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Agent reports",
          description: `Agent status reports (metrics scrapes with etcd connected) per 10 s bucket, averaged over ${agentStaleSeconds} s: 0 means the agent's status is stale.`,
          query: agentReportsQuery("$timeFilter", agentStaleSeconds),
          alias: "$tag_host",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Requests and 5xx per host",
          description: "Requests per second into HAProxy's frontend and the 5xx answers among them.",
          query: `SELECT non_negative_derivative(last(${f(HA, "req_tot")}), 1s) AS "requests", non_negative_derivative(last(${f(HA, "http_response.5xx")}), 1s) AS "5xx" FROM ${m(HA)} WHERE ${t(HA, "type")} = 'frontend' AND $timeFilter GROUP BY time($__interval), ${t(HA, "host")}`,
          unit: "reqps",
          alias: "$tag_host $col",
        },
      },
    ],
  };
}

/** Agent reports per 10 s bucket, averaged over the staleness window; shared with the alert. */
export function agentReportsQuery(timeCondition: string, staleSeconds: number): string {
  const buckets = Math.max(2, Math.round(staleSeconds / 10));
  return `SELECT moving_average(count(${f(AGENT, "switchyard_agent_etcd_connected")}), ${buckets}) FROM ${m(AGENT)} WHERE ${f(AGENT, "switchyard_agent_etcd_connected")} = 1 AND ${timeCondition} GROUP BY time(10s), ${t(AGENT, "host")} fill(0)`;
}
