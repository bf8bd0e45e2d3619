/** Database hosts: replication, connections and disk operations against what the volume provides. */
import { f, m, t } from "../measurements";
import type { DashboardSpec } from "./panels";

const MY = "mysql" as const;
const MONGO = "mongodb" as const;
const DISK = "diskio" as const;

export function databasesDashboard(input: {
  replicaLagSeconds: number;
  provisionedIops: number;
}): DashboardSpec {
  return {
    uid: "switchyard-databases",
    title: "Databases",
    tags: ["mysql", "mongodb"],
    panels: [
      {
        kind: "timeseries",
        spec: {
          title: "MySQL replica lag",
          description: "Seconds_Behind_Source per replica (SHOW REPLICA STATUS).",
          query: `SELECT max(${f(MY, "slave_seconds_behind_source")}) FROM ${m(MY)} WHERE $timeFilter GROUP BY time($__interval), ${t(MY, "host")}`,
          unit: "s",
          alias: "$tag_host",
          threshold: { value: input.replicaLagSeconds, label: "alert" },
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "MongoDB replication lag",
          description: "Seconds each member is behind the primary (replSetGetStatus; 0 on the primary).",
          query: `SELECT max(${f(MONGO, "repl_lag")}) FROM ${m(MONGO)} WHERE $timeFilter GROUP BY time($__interval), ${t(MONGO, "host")}`,
          unit: "s",
          alias: "$tag_host",
          threshold: { value: input.replicaLagSeconds, label: "alert" },
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "MySQL connections",
          description: "Threads_connected per host.",
          query: `SELECT last(${f(MY, "threads_connected")}) FROM ${m(MY)} WHERE $timeFilter GROUP BY time($__interval), ${t(MY, "host")}`,
          alias: "$tag_host",
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "MongoDB connections",
          description: "Current client connections per member (serverStatus connections.current).",
          query: `SELECT last(${f(MONGO, "connections_current")}) FROM ${m(MONGO)} WHERE $timeFilter GROUP BY time($__interval), ${t(MONGO, "host")}`,
          alias: "$tag_host",
        },
      },
      {
        kind: "table",
        spec: {
          title: "MongoDB member state",
          description:
            "Each member's last replica-set state (replSetGetStatus myState: 1 primary, 2 secondary, 3 recovering, 8 down).",
          query: `SELECT last(${f(MONGO, "repl_state")}) AS "state" FROM ${m(MONGO)} WHERE $timeFilter GROUP BY ${t(MONGO, "host")}, ${t(MONGO, "rs_name")}`,
        },
      },
      {
        kind: "timeseries",
        spec: {
          title: "IOPS against provisioned",
          description:
            "Reads plus writes per second per device; the line is the gp3 volume's provisioned IOPS.",
          query: `SELECT "r" + "w" AS "iops" FROM (SELECT non_negative_derivative(last(${f(DISK, "reads")}), 1s) AS "r", non_negative_derivative(last(${f(DISK, "writes")}), 1s) AS "w" FROM ${m(DISK)} WHERE $timeFilter GROUP BY time($__interval), ${t(DISK, "host")}, ${t(DISK, "name")}) GROUP BY ${t(DISK, "host")}, ${t(DISK, "name")}`,
          unit: "iops",
          alias: "$tag_host $tag_name",
          threshold: { value: input.provisionedIops, label: "provisioned" },
        },
      },
    ],
  };
}
