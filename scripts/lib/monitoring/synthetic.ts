/**
 * Synthetic points shaped exactly like the Telegraf measurements the stack collects (names from
 * components/monitoring/measurements.ts), in two data sets: `good` (everything healthy) and `bad`
 * (the same plus one failure per alert, next to healthy neighbours). `expected` says which series
 * each alert must select in `bad`; in `good` none may fire.
 */
import type { RoutedApp } from "../../../components/monitoring/alerts/rules";
import type { FieldOf, Measurement, TagOf } from "../../../components/monitoring/measurements";

export interface SyntheticInput {
  now: number;
  apps: RoutedApp[];
  restartsPerDay: number;
  replicaLagSeconds: number;
}

export interface Synthetic {
  good: string[];
  bad: string[];
  /** Rule uid -> tag sets the rule must select in `bad`. */
  expected: Record<string, Record<string, string>[]>;
  /** Restarts written for the bad and the healthy container (for the report). */
  restarts: { bad: number; healthy: number };
}

type Value = number | string | { int: number };
const escTag = (v: string) => v.replace(/([ ,=])/g, "\\$1");

function line<M extends Measurement>(
  m: M,
  tags: Partial<Record<TagOf<M>, string>>,
  fields: Partial<Record<FieldOf<M>, Value>>,
  time: number,
): string {
  const t = Object.entries(tags)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `${k}=${escTag(v as string)}`)
    .join(",");
  const f = Object.entries(fields)
    .map(([k, v]) => {
      const value = v as Value;
      const text =
        typeof value === "string"
          ? `"${value}"`
          : typeof value === "number"
            ? String(value)
            : `${value.int}i`;
      return `${k.replace(/([ ,=])/g, "\\$1")}=${text}`;
    })
    .join(",");
  return `${m}${t ? `,${t}` : ""} ${f} ${time}`;
}

const int = (n: number) => ({ int: n });

export function synthesize(i: SyntheticInput): Synthetic {
  const good: string[] = [];
  const bad: string[] = [];
  const both = (l: string) => (good.push(l), bad.push(l));
  const now = i.now;
  const range = (fromAgo: number, toAgo: number, step: number) => {
    const out: number[] = [];
    for (let t = now - fromAgo; t <= now - toAgo; t += step) out.push(t);
    return out;
  };

  // Kubernetes: the cluster Telegraf (kube_inventory) and the node Telegrafs (kubelet), every 60 s.
  const badRestarts = i.restartsPerDay + 2;
  const restartTimes = (n: number) => Array.from({ length: n }, (_, k) => now - 20 * 3600 + k * 3 * 3600);
  const containers = [
    {
      ns: "apps",
      pod: "shop-blue-5c7d9-x",
      c: "app",
      node: "node-a",
      restarts: { bad: badRestarts, good: 0 },
    },
    { ns: "apps", pod: "shop-blue-5c7d9-y", c: "app", node: "node-b", restarts: { bad: 1, good: 1 } },
    {
      ns: "platform",
      pod: "switchyard-registrar-0",
      c: "registrar",
      node: "node-a",
      restarts: { bad: 0, good: 0 },
    },
  ];
  for (const t of range(25 * 3600, 0, 60)) {
    for (const c of containers) {
      const id = { namespace: c.ns, pod_name: c.pod, container_name: c.c, node_name: c.node };
      for (const [set, n] of [
        [good, c.restarts.good],
        [bad, c.restarts.bad],
      ] as const) {
        const times = restartTimes(n);
        const count = times.filter((r) => r <= t).length;
        // Right after a restart the container waits and is unready: the state/readiness tags change.
        const restarting = times.some((r) => t >= r && t < r + 60);
        const unready = set === bad && c.pod === "shop-blue-5c7d9-x" && t > now - 600;
        const tags = {
          ...id,
          phase: "Running",
          state: restarting ? "waiting" : "running",
          readiness: restarting || unready ? "unready" : "ready",
          host: "kube-inventory",
        } as const;
        set.push(
          line(
            "kubernetes_pod_container",
            tags,
            {
              restarts_total: int(count),
              state_code: int(restarting ? 2 : 0),
              resource_limits_millicpu_units: int(1000),
              resource_limits_memory_bytes: int(536870912),
            },
            t,
          ),
        );
        const ready = !(restarting || unready);
        set.push(
          line(
            "kubernetes_pod_container",
            { ...id, condition: "Ready", status: ready ? "True" : "False", host: "kube-inventory" },
            { status_condition: int(ready ? 1 : 0) },
            t,
          ),
        );
      }
      both(
        line(
          "kubernetes_pod_container",
          { ...id, host: c.node },
          {
            cpu_usage_nanocores: int(250_000_000),
            memory_working_set_bytes: int(300_000_000 + (t % 3600) * 1000),
          },
          t,
        ),
      );
    }
    for (const node of ["node-a", "node-b"]) {
      const notReady = node === "node-b" && t > now - 900;
      good.push(
        line(
          "kubernetes_node",
          { node_name: node, condition: "Ready", status: "True", host: "kube-inventory" },
          { status_condition: int(1) },
          t,
        ),
      );
      bad.push(
        line(
          "kubernetes_node",
          {
            node_name: node,
            condition: "Ready",
            status: notReady ? "False" : "True",
            host: "kube-inventory",
          },
          { status_condition: int(notReady ? 0 : 1) },
          t,
        ),
      );
      both(
        line(
          "kubernetes_node",
          { node_name: node, host: "kube-inventory" },
          { spec_unschedulable: int(0) },
          t,
        ),
      );
    }
    for (const d of [
      { ns: "apps", name: "shop-blue" },
      { ns: "platform", name: "switchyard-registrar" },
    ]) {
      const short = d.name === "shop-blue" && t > now - 900 ? 1 : 0;
      good.push(
        line(
          "kubernetes_deployment",
          { namespace: d.ns, deployment_name: d.name },
          { replicas_available: int(3), replicas_unavailable: int(0) },
          t,
        ),
      );
      bad.push(
        line(
          "kubernetes_deployment",
          { namespace: d.ns, deployment_name: d.name },
          { replicas_available: int(3 - short), replicas_unavailable: int(short) },
          t,
        ),
      );
    }
  }
  // Collectors that went silent 20 minutes ago (bad only): a previous inventory writer and a node.
  for (const t of range(3600, 1200, 60)) {
    const id = { namespace: "platform", pod_name: "old-0", container_name: "old", node_name: "node-gone" };
    bad.push(
      line(
        "kubernetes_pod_container",
        { ...id, host: "kube-inventory-previous", state: "running" },
        { restarts_total: int(0) },
        t,
      ),
    );
    bad.push(
      line(
        "kubernetes_node",
        { node_name: "node-gone", condition: "Ready", status: "True", host: "kube-inventory-previous" },
        { status_condition: int(1) },
        t,
      ),
    );
    bad.push(
      line(
        "kubernetes_pod_container",
        { ...id, host: "node-gone" },
        { memory_working_set_bytes: int(1000), cpu_usage_nanocores: int(1) },
        t,
      ),
    );
  }

  // Hosts, every 10 s for the last hour.
  const hosts = (set: "both" | "bad", names: string[], fromAgo: number, toAgo: number) =>
    names.map((host) => ({ host, set, times: range(fromAgo, toAgo, 10) }));
  const edges = [...hosts("both", ["edge-1", "edge-2"], 3600, 0), ...hosts("bad", ["edge-gone"], 3600, 1200)];
  for (const e of edges) {
    for (const t of e.times) {
      const push = e.set === "both" ? both : (l: string) => bad.push(l);
      const k = (t - (now - 3600)) / 10;
      push(
        line(
          "haproxy",
          { host: e.host, proxy: "http-in", sv: "FRONTEND", type: "frontend" },
          { req_tot: int(k * 50), "http_response.5xx": int(Math.floor(k / 10)), status: "OPEN" },
          t,
        ),
      );
      for (const a of i.apps) {
        for (const colour of ["blue", "green"] as const) {
          const live = colour === a.live;
          const proxy = `be_${a.app}_${colour}`;
          const healthy = live ? Math.max(3, a.minHealthy + 1) : 0;
          const degraded = live && e.host === "edge-1" && t > now - 600 ? a.minHealthy - 1 : healthy;
          const tags = { host: e.host, proxy, sv: "BACKEND", type: "backend" } as const;
          const req = int(live ? k * 48 : 0);
          if (e.set === "both") {
            good.push(line("haproxy", tags, { active_servers: int(healthy), req_tot: req, status: "UP" }, t));
            bad.push(
              line(
                "haproxy",
                tags,
                { active_servers: int(degraded), req_tot: req, status: degraded > 0 ? "UP" : "DOWN" },
                t,
              ),
            );
          } else {
            bad.push(line("haproxy", tags, { active_servers: int(healthy), req_tot: req, status: "UP" }, t));
          }
        }
      }
    }
  }
  const agents = [...edges, ...hosts("bad", ["edge-stale"], 3600, 300)];
  for (const e of agents) {
    for (const t of e.times) {
      const refusedBad = e.host === "edge-2" && t > now - 300 ? 1 : 0;
      const fields = (refused: number) => ({
        switchyard_agent_flips_total: int(2),
        switchyard_agent_refused_flips_total: int(refused),
        switchyard_agent_etcd_connected: int(1),
        switchyard_agent_apply_errors_total: int(0),
      });
      if (e.set === "both") {
        good.push(line("switchyard_agent", { host: e.host }, fields(0), t));
        bad.push(line("switchyard_agent", { host: e.host }, fields(refusedBad), t));
      } else {
        bad.push(line("switchyard_agent", { host: e.host }, fields(0), t));
      }
    }
  }
  const members = [
    ...hosts("both", ["etcd-1", "etcd-2", "etcd-3"], 3600, 0),
    ...hosts("bad", ["etcd-gone"], 3600, 1200),
  ];
  for (const e of members) {
    for (const t of e.times) {
      const k = (t - (now - 3600)) / 10;
      const fields = (leader: number) => ({
        etcd_server_has_leader: int(leader),
        etcd_server_is_leader: int(e.host === "etcd-1" ? 1 : 0),
        etcd_server_proposals_committed_total: int(k * 20),
        etcd_server_proposals_failed_total: int(0),
        etcd_disk_wal_fsync_duration_seconds_sum: k * 0.04,
        etcd_disk_wal_fsync_duration_seconds_count: int(k * 20),
      });
      if (e.set === "both") {
        good.push(line("etcd", { host: e.host }, fields(1), t));
        bad.push(line("etcd", { host: e.host }, fields(e.host === "etcd-3" && t > now - 300 ? 0 : 1), t));
      } else {
        bad.push(line("etcd", { host: e.host }, fields(1), t));
      }
    }
  }
  const dbs = [...hosts("both", ["db-1", "db-2", "db-3"], 3600, 0), ...hosts("bad", ["db-gone"], 3600, 1200)];
  for (const d of dbs) {
    for (const t of d.times) {
      const k = (t - (now - 3600)) / 10;
      const tags = { host: d.host, server: "127.0.0.1:3306" };
      const healthy = {
        slave_seconds_behind_source: int(d.host === "db-1" ? 0 : 2),
        slave_replica_io_running: "Yes",
        slave_replica_sql_running: "Yes",
        threads_connected: int(12),
      };
      if (d.set === "both") good.push(line("mysql", tags, healthy, t));
      const recent = t > now - 600;
      if (d.host === "db-2" && recent) {
        bad.push(
          line("mysql", tags, { ...healthy, slave_seconds_behind_source: int(i.replicaLagSeconds * 5) }, t),
        );
      } else if (d.host === "db-3" && recent) {
        // A stopped replica has no Seconds_Behind_Source (NULL), so Telegraf writes no lag field.
        bad.push(
          line(
            "mysql",
            tags,
            { slave_replica_io_running: "No", slave_replica_sql_running: "Yes", threads_connected: int(3) },
            t,
          ),
        );
      } else {
        bad.push(line("mysql", tags, healthy, t));
      }
      const push = d.set === "both" ? both : (l: string) => bad.push(l);
      push(
        line("diskio", { host: d.host, name: "nvme1n1" }, { reads: int(k * 3000), writes: int(k * 9000) }, t),
      );
    }
  }
  // A replica set of three (the primary reports lag 0), and a member that went silent (bad only).
  const mongos = [
    ...hosts("both", ["mongo-1", "mongo-2", "mongo-3"], 3600, 0),
    ...hosts("bad", ["mongo-gone"], 3600, 1200),
  ];
  for (const d of mongos) {
    for (const t of d.times) {
      const primary = d.host === "mongo-1";
      const tags = {
        host: d.host,
        hostname: "127.0.0.1:27017",
        node_type: primary ? "PRI" : "SEC",
        rs_name: "rs0",
      };
      const fields = (lag: number) => ({
        connections_current: int(primary ? 20 : 5),
        repl_lag: int(lag),
        repl_state: int(primary ? 1 : 2),
      });
      const healthyLag = primary ? 0 : 1;
      if (d.set === "both") {
        good.push(line("mongodb", tags, fields(healthyLag), t));
        const lagging = d.host === "mongo-2" && t > now - 600;
        bad.push(line("mongodb", tags, fields(lagging ? i.replicaLagSeconds * 5 : healthyLag), t));
      } else {
        bad.push(line("mongodb", tags, fields(healthyLag), t));
      }
    }
  }

  const hostIs = (host: string) => [{ host }];
  const expected: Record<string, Record<string, string>[]> = {
    "container-restarts": [{ namespace: "apps", pod_name: "shop-blue-5c7d9-x", container_name: "app" }],
    "node-not-ready": [{ node_name: "node-b" }],
    "deployment-below-desired": [{ namespace: "apps", deployment_name: "shop-blue" }],
    ...Object.fromEntries(i.apps.map((a) => [`backend-down-${a.app}`, hostIs("edge-1")])),
    "agent-stale": hostIs("edge-stale"),
    "agent-refused-flip": hostIs("edge-2"),
    "etcd-no-leader": hostIs("etcd-3"),
    "mysql-replica-lag": hostIs("db-2"),
    "mysql-replication-stopped": hostIs("db-3"),
    "mongodb-replica-lag": hostIs("mongo-2"),
    "no-data-kube-inventory-pods": hostIs("kube-inventory-previous"),
    "no-data-kube-inventory-nodes": hostIs("kube-inventory-previous"),
    "no-data-kubelet": hostIs("node-gone"),
    "no-data-haproxy": hostIs("edge-gone"),
    "no-data-agent": hostIs("edge-gone"),
    "no-data-etcd": hostIs("etcd-gone"),
    "no-data-mysql": hostIs("db-gone"),
    "no-data-mongodb": hostIs("mongo-gone"),
  };
  return { good, bad, expected, restarts: { bad: badRestarts, healthy: 1 } };
}
