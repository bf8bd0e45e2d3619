/** etcd: leadership, consensus throughput and the disk latency etcd is most sensitive to. */
import { f, m, t } from "../measurements";
import type { DashboardSpec } from "./panels";

const E = "etcd" as const;

export function etcdDashboard(): DashboardSpec {
  return {
    uid: "switchyard-etcd",
    title: "etcd",
    tags: ["etcd"],
    panels: [
      {
        kind: "timeseries",
        spec: {
          title: "Has leader",
          description: "1 while the member sees a leader; 0 on every member means the cluster lost quorum.",
          query: `SELECT min(${f(E, "etcd_server_has_leader")}) FROM ${m(E)} WHERE $timeFilter GROUP BY time($__interval), ${t(E, "host")}`,
          alias: "$tag_host",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Leader",
          description: "Which member is the leader; frequent changes point at slow disks or network.",
          query: `SELECT max(${f(E, "etcd_server_is_leader")}) FROM ${m(E)} WHERE $timeFilter GROUP BY time($__interval), ${t(E, "host")}`,
          alias: "$tag_host",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "Proposals committed and failed",
          description: "Raft proposals per second.",
          query: `SELECT non_negative_derivative(last(${f(E, "etcd_server_proposals_committed_total")}), 1s) AS "committed", non_negative_derivative(last(${f(E, "etcd_server_proposals_failed_total")}), 1s) AS "failed" FROM ${m(E)} WHERE $timeFilter GROUP BY time($__interval), ${t(E, "host")}`,
          alias: "$tag_host $col",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "WAL fsync latency (mean)",
          description: "Mean time of the write-ahead log's fsyncs; etcd wants well under 10 ms.",
          query: `SELECT "seconds" / "syncs" FROM (SELECT non_negative_derivative(last(${f(E, "etcd_disk_wal_fsync_duration_seconds_sum")}), 1s) AS "seconds", non_negative_derivative(last(${f(E, "etcd_disk_wal_fsync_duration_seconds_count")}), 1s) AS "syncs" FROM ${m(E)} WHERE $timeFilter GROUP BY time($__interval), ${t(E, "host")}) GROUP BY ${t(E, "host")}`,
          unit: "s",
          alias: "$tag_host",
          threshold: { value: 0.01, label: "10 ms" },
        },
      },
    ],
  };
}
