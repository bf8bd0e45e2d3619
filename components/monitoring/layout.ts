/** Names, ports and images of the monitoring stack. One table, shared by specs, configs and exports. */

export const IMAGES = {
  /** InfluxDB OSS 1.x: InfluxQL natively, per-database users with READ/WRITE grants (docs/monitoring.md). */
  influxdb: "influxdb:1.11.8",
  /** Matches the dashboard schema of @grafana/grafana-foundation-sdk 11.6. */
  grafana: "grafana/grafana:11.6.0",
  /** The release whose plugin options components/common/telegraf/plugins.ts lists. */
  telegraf: "telegraf:1.39.3",
} as const;

export const INFLUXDB_PORT = 8086;
export const GRAFANA_PORT = 3000;
/** Grafana's unauthenticated health endpoint: the pod's probes and HAProxy's check. */
export const GRAFANA_HEALTH_PATH = "/api/health";
/** The route app Grafana is served as through the HAProxy tier (its members, its backends). */
export const GRAFANA_ROUTE_APP = "grafana";
/** Grafana's service account, by a fixed name that its IRSA role (SNS) trusts. */
export const GRAFANA_SERVICE_ACCOUNT = "grafana";
/** Telegraf's outputs.health endpoint, the Telegraf pods' probes. */
export const TELEGRAF_HEALTH_PORT = 8080;
/** NodePort the internal load balancer forwards host Telegrafs' writes to (docs/monitoring.md). */
export const INFLUXDB_NODE_PORT = 30086;

export const SERVICE_NAMES = { influxdb: "influxdb", grafana: "grafana" } as const;

/** Databases: what the platform collects, and what apps write themselves. */
export const DATABASES = { platform: "telegraf", apps: "apps" } as const;
/** Retention policy created on each database as its default. */
export const RETENTION_POLICY = "switchyard";

/** InfluxDB users and what each may do; passwords are generated (random.RandomPassword). */
export const INFLUX_USERS = {
  admin: { name: "admin", grants: "all" },
  telegraf: { name: "telegraf", grants: [["WRITE", DATABASES.platform]] },
  grafana: {
    name: "grafana",
    grants: [
      ["READ", DATABASES.platform],
      ["READ", DATABASES.apps],
    ],
  },
  apps: { name: "apps-writer", grants: [["WRITE", DATABASES.apps]] },
} as const satisfies Record<
  string,
  { name: string; grants: "all" | readonly (readonly ["READ" | "WRITE", string])[] }
>;

export type InfluxUser = keyof typeof INFLUX_USERS;

export const DATASOURCE_UIDS = { platform: "switchyard-influxdb", apps: "switchyard-influxdb-apps" } as const;

/**
 * InfluxDB serves HTTPS only, with a certificate of the monitoring CA: its key and certificate in
 * a Kubernetes Secret (tls.key, tls.crt, ca.crt) mounted here; clients trust ca.crt alone.
 */
export const INFLUXDB_TLS = {
  dir: "/etc/influxdb-tls",
  cert: "tls.crt",
  key: "tls.key",
  ca: "ca.crt",
} as const;
/** Where the in-cluster Telegrafs and the setup Job find InfluxDB's CA (ca.crt of that Secret only). */
export const INFLUXDB_CA_MOUNT = "/etc/influxdb-ca";

/** The names a pod may use for InfluxDB's Service: every one is in its certificate. */
export function influxServiceDnsNames(namespace: string): string[] {
  const base = SERVICE_NAMES.influxdb;
  return [base, `${base}.${namespace}`, `${base}.${namespace}.svc`, `${base}.${namespace}.svc.cluster.local`];
}

export function influxServiceUrl(namespace: string): string {
  return `https://${SERVICE_NAMES.influxdb}.${namespace}.svc.cluster.local:${INFLUXDB_PORT}`;
}

/** The hosts' write URL through the internal metrics load balancer (its name is in the certificate). */
export function influxHostUrl(dnsName: string): string {
  return `https://${dnsName}:${INFLUXDB_PORT}`;
}
