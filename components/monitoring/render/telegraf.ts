/**
 * The two Kubernetes Telegrafs: one per node reading its kubelet, one for the cluster reading
 * the API (kube_inventory). Both write to the platform database as the write-only telegraf user;
 * the password is `${INFLUX_PASSWORD}`, resolved by Telegraf from the pod's Secret-backed env.
 */
import { renderTelegrafConfig, type TelegrafConfig } from "../../common/telegraf/config";
import { DATABASES, INFLUX_USERS, INFLUXDB_CA_MOUNT, INFLUXDB_TLS, TELEGRAF_HEALTH_PORT } from "../layout";

export const TELEGRAF_PASSWORD_ENV = "INFLUX_PASSWORD";

export function influxOutput(
  urls: string[],
  extra: Record<string, string> = {},
): TelegrafConfig["outputs"][number] {
  return {
    plugin: "influxdb",
    options: {
      urls,
      database: DATABASES.platform,
      username: INFLUX_USERS.telegraf.name,
      password: `\${${TELEGRAF_PASSWORD_ENV}}`,
      // The user may only write: creating the database is the setup Job's business.
      skip_database_creation: true,
      timeout: "5s",
      content_encoding: "gzip",
      // HTTPS, trusting the monitoring CA only (mounted from InfluxDB's TLS Secret, ca.crt alone).
      tls_ca: `${INFLUXDB_CA_MOUNT}/${INFLUXDB_TLS.ca}`,
      ...extra,
    },
  };
}

const health: TelegrafConfig["outputs"][number] = {
  plugin: "health",
  options: { service_address: `http://:${TELEGRAF_HEALTH_PORT}` },
};

const agent = (hostname: string) => ({
  interval: "10s",
  round_interval: true,
  metric_batch_size: 1000,
  metric_buffer_limit: 20000,
  collection_jitter: "2s",
  flush_interval: "10s",
  flush_jitter: "2s",
  hostname,
  omit_hostname: false,
});

/** Per node: the kubelet's /stats/summary and /pods, authenticated with the pod's token. */
export function renderNodeTelegraf(influxUrl: string): string {
  return renderTelegrafConfig({
    // The node's name (downward API), so per-node silence is visible as a `host`.
    agent: agent("${NODE_NAME}"),
    inputs: [
      {
        plugin: "kubernetes",
        options: {
          url: "https://${NODE_IP}:10250",
          bearer_token: "/var/run/secrets/kubernetes.io/serviceaccount/token",
          // EKS kubelets serve a self-signed certificate (docs/monitoring.md).
          insecure_skip_verify: true,
          response_timeout: "5s",
          label_include: [],
          // Per-container series only: node and system-container series are not used.
          namepass: ["kubernetes_pod_container"],
        },
      },
    ],
    outputs: [influxOutput([influxUrl]), health],
  });
}

/** One for the cluster: pods (restarts, readiness, limits), nodes and deployments from the API. */
export function renderClusterTelegraf(influxUrl: string): string {
  return renderTelegrafConfig({
    agent: agent("kube-inventory"),
    inputs: [
      {
        plugin: "kube_inventory",
        options: {
          // Empty: in-cluster configuration with the pod's service account.
          url: "",
          // Its default is "default"; every namespace is wanted.
          namespace: "",
          resource_include: ["pods", "nodes", "deployments"],
          selector_exclude: ["*"],
          response_timeout: "10s",
          interval: "30s",
        },
      },
    ],
    outputs: [influxOutput([influxUrl]), health],
  });
}

/** Exactly what kube_inventory's client calls with resource_include above: List, nothing else. */
export function clusterTelegrafRules() {
  return [
    { apiGroups: [""], resources: ["pods", "nodes"], verbs: ["list"] },
    { apiGroups: ["apps"], resources: ["deployments"], verbs: ["list"] },
  ];
}

/**
 * The kubelet authorises /stats/* as nodes/stats and every other path (/pods, which the plugin
 * reads for labels and fails without) as nodes/proxy; both only with `get`.
 */
export function nodeTelegrafRules() {
  return [{ apiGroups: [""], resources: ["nodes/stats", "nodes/proxy"], verbs: ["get"] }];
}
