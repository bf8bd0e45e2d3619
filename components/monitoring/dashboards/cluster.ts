/** Cluster health: the view that would have shown the leaking container restarting all day. */
import { CONTAINER_IDENTITY, f, m, t } from "../measurements";
import type { DashboardSpec } from "./panels";

const PC = "kubernetes_pod_container" as const;
const NODE = "kubernetes_node" as const;
const identity = CONTAINER_IDENTITY.map((tag) => t(PC, tag)).join(", ");

export function clusterDashboard(): DashboardSpec {
  return {
    uid: "switchyard-cluster",
    title: "Cluster health",
    tags: ["kubernetes"],
    panels: [
      {
        kind: "stat",
        spec: {
          title: "Nodes ready",
          description: "Nodes whose latest Ready condition is True (kube_inventory).",
          query: `SELECT count("last") FROM (SELECT last(${f(NODE, "status_condition")}) FROM ${m(NODE)} WHERE ${t(NODE, "condition")} = 'Ready' AND $timeFilter GROUP BY ${t(NODE, "node_name")}) WHERE "last" = 1`,
        },
      },
      {
        kind: "stat",
        spec: {
          title: "Nodes not ready",
          description: "Nodes whose latest Ready condition is False or Unknown.",
          query: `SELECT count("last") FROM (SELECT last(${f(NODE, "status_condition")}) FROM ${m(NODE)} WHERE ${t(NODE, "condition")} = 'Ready' AND $timeFilter GROUP BY ${t(NODE, "node_name")}) WHERE "last" <> 1`,
          threshold: { value: 1, label: "any" },
        },
      },
      {
        kind: "stat",
        spec: {
          title: "Pods not ready",
          description: "Pods whose latest Ready condition is not True, counted per container series.",
          query: `SELECT count("last") FROM (SELECT last(${f(PC, "status_condition")}) FROM ${m(PC)} WHERE ${t(PC, "condition")} = 'Ready' AND $timeFilter GROUP BY ${identity}) WHERE "last" <> 1`,
          threshold: { value: 1, label: "any" },
        },
      },
      {
        kind: "table",
        spec: {
          title: "Restarts per container, last 24 h",
          description:
            "Growth of restarts_total per namespace/pod/container over 24 h, whatever the range picked above.",
          query: `SELECT spread(${f(PC, "restarts_total")}) AS "restarts" FROM ${m(PC)} WHERE time > now() - 24h GROUP BY ${identity}`,
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "CPU against limit",
          description: "kubelet CPU usage as a share of the container's CPU limit (kube_inventory).",
          query: `SELECT mean(${f(PC, "cpu_usage_nanocores")}) / 1000000 / mean(${f(PC, "resource_limits_millicpu_units")}) * 100 AS "cpu" FROM ${m(PC)} WHERE $timeFilter GROUP BY time($__interval), ${identity}`,
          unit: "percent",
          alias: "$tag_namespace/$tag_pod_name/$tag_container_name",
          threshold: { value: 90, label: "near the limit" },
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Memory against limit",
          description:
            "Working set as a share of the memory limit: a leak climbs here until the container is OOM-killed.",
          query: `SELECT mean(${f(PC, "memory_working_set_bytes")}) / mean(${f(PC, "resource_limits_memory_bytes")}) * 100 AS "memory" FROM ${m(PC)} WHERE $timeFilter GROUP BY time($__interval), ${identity}`,
          unit: "percent",
          alias: "$tag_namespace/$tag_pod_name/$tag_container_name",
          threshold: { value: 90, label: "near the limit" },
        },
      },
    ],
  };
}
