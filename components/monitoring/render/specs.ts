/**
 * The monitoring workloads' Kubernetes specs as pure functions, so that what reaches the cluster
 * (limits, probes, security contexts, mounts, where each credential comes from) is tested
 * without Pulumi. Every container runs as non-root with a read-only root filesystem.
 */
import type * as k8s from "@pulumi/kubernetes";
import {
  GRAFANA_HEALTH_PATH,
  GRAFANA_PORT,
  INFLUXDB_CA_MOUNT,
  INFLUXDB_PORT,
  INFLUXDB_TLS,
  TELEGRAF_HEALTH_PORT,
  type InfluxUser,
} from "../layout";
import { CONFIG_DIGEST_ANNOTATION } from "../../common/digest";
import { passwordEnv } from "./influxdb";
import { TELEGRAF_PASSWORD_ENV } from "./telegraf";

type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

export const labelsFor = (component: string): Record<string, string> => ({
  "app.kubernetes.io/name": component,
  "app.kubernetes.io/part-of": "switchyard-monitoring",
});

/** Keys of the InfluxDB credentials Secret: one password per user. */
export const influxSecretKey = (user: InfluxUser): string => `${user}-password`;

const restricted = {
  allowPrivilegeEscalation: false,
  readOnlyRootFilesystem: true,
  capabilities: { drop: ["ALL"] },
};

const podSecurity = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  seccompProfile: { type: "RuntimeDefault" },
});

const secretEnv = (name: string, secret: string, key: string, optional = false) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key, ...(optional ? { optional: true } : {}) } },
});

/** Only ca.crt of InfluxDB's TLS Secret: clients never see its key. */
const caVolume = (tlsSecret: string) => ({
  name: "influxdb-ca",
  secret: { secretName: tlsSecret, items: [{ key: INFLUXDB_TLS.ca, path: INFLUXDB_TLS.ca }] },
});
const caMount = { name: "influxdb-ca", mountPath: INFLUXDB_CA_MOUNT, readOnly: true };

export interface InfluxDbSpecInput {
  image: string;
  configMap: string;
  /** Secret with tls.crt, tls.key and ca.crt (type kubernetes.io/tls). */
  tlsSecret: string;
  storageGiB: number;
  storageClass: string;
  /** Digest of the config and certificate: influxd reads both only at start, so a change rolls the pod. */
  configDigest: string;
}

/** The official image's influxdb user. */
const INFLUX_UID = 1000;

export function influxdbStatefulSetSpec(i: InfluxDbSpecInput): k8s.types.input.apps.v1.StatefulSetSpec {
  const labels = labelsFor("influxdb");
  // The kubelet's HTTPS probes do not verify the certificate; they only need an answer.
  const httpGet = { path: "/ping", port: "http", scheme: "HTTPS" };
  return {
    serviceName: "influxdb",
    replicas: 1,
    selector: { matchLabels: labels },
    // The volume outlives the pod and the StatefulSet: deleting either keeps the metrics.
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
    template: {
      metadata: { labels, annotations: { [CONFIG_DIGEST_ANNOTATION]: i.configDigest } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: podSecurity(INFLUX_UID),
        containers: [
          {
            name: "influxdb",
            image: i.image,
            command: ["influxd", "-config", "/etc/influxdb/influxdb.conf"],
            ports: [{ name: "http", containerPort: INFLUXDB_PORT, protocol: "TCP" }],
            resources: { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } },
            readinessProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
            // Opening a large TSI index takes a while after an unclean stop.
            startupProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 60 },
            livenessProbe: { httpGet, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
            securityContext: restricted,
            volumeMounts: [
              { name: "data", mountPath: "/var/lib/influxdb" },
              { name: "config", mountPath: "/etc/influxdb", readOnly: true },
              { name: "tls", mountPath: INFLUXDB_TLS.dir, readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "config", configMap: { name: i.configMap } },
          // Readable by the influxdb group only (fsGroup).
          { name: "tls", secret: { secretName: i.tlsSecret, defaultMode: 0o440 } },
        ],
      },
    },
    volumeClaimTemplates: [
      {
        metadata: { name: "data" },
        spec: {
          accessModes: ["ReadWriteOnce"],
          storageClassName: i.storageClass,
          resources: { requests: { storage: `${i.storageGiB}Gi` } },
        },
      },
    ],
  };
}

export interface SetupJobInput {
  image: string;
  scriptConfigMap: string;
  credentialsSecret: string;
  /** InfluxDB's TLS Secret: only its ca.crt is mounted. */
  tlsSecret: string;
  influxHost: string;
  users: InfluxUser[];
}

export function influxSetupJobSpec(i: SetupJobInput): k8s.types.input.batch.v1.JobSpec {
  return {
    backoffLimit: 20,
    ttlSecondsAfterFinished: 86400,
    template: {
      metadata: { labels: labelsFor("influxdb-setup") },
      spec: {
        restartPolicy: "OnFailure",
        automountServiceAccountToken: false,
        securityContext: podSecurity(INFLUX_UID),
        containers: [
          {
            name: "setup",
            image: i.image,
            command: ["/bin/sh", "/opt/setup/influx-setup"],
            env: [
              { name: "INFLUX_HOST", value: i.influxHost },
              { name: "INFLUX_PORT", value: String(INFLUXDB_PORT) },
              // The influx CLI (Go) trusts exactly this file instead of the system's roots.
              { name: "SSL_CERT_FILE", value: `${INFLUXDB_CA_MOUNT}/${INFLUXDB_TLS.ca}` },
              ...i.users.map((u) => secretEnv(passwordEnv(u), i.credentialsSecret, influxSecretKey(u))),
            ],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "200m", memory: "128Mi" } },
            securityContext: restricted,
            volumeMounts: [{ name: "script", mountPath: "/opt/setup", readOnly: true }, caMount],
          },
        ],
        volumes: [{ name: "script", configMap: { name: i.scriptConfigMap } }, caVolume(i.tlsSecret)],
      },
    },
  };
}

export interface TelegrafSpecInput {
  image: string;
  configMap: string;
  serviceAccountName: string;
  credentialsSecret: string;
  /** InfluxDB's TLS Secret: only its ca.crt is mounted. */
  tlsSecret: string;
  resources: Container["resources"];
}

type EnvVar = k8s.types.input.core.v1.EnvVar;

function telegrafPod(i: TelegrafSpecInput, extraEnv: EnvVar[]): PodSpec {
  const httpGet = { path: "/", port: "health" };
  return {
    serviceAccountName: i.serviceAccountName,
    securityContext: podSecurity(65534),
    containers: [
      {
        name: "telegraf",
        image: i.image,
        command: ["telegraf", "--config", "/etc/telegraf/telegraf.conf"],
        env: [
          ...extraEnv,
          secretEnv(TELEGRAF_PASSWORD_ENV, i.credentialsSecret, influxSecretKey("telegraf")),
        ],
        ports: [{ name: "health", containerPort: TELEGRAF_HEALTH_PORT, protocol: "TCP" }],
        resources: i.resources,
        readinessProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
        livenessProbe: {
          httpGet,
          initialDelaySeconds: 20,
          periodSeconds: 20,
          timeoutSeconds: 2,
          failureThreshold: 6,
        },
        securityContext: restricted,
        volumeMounts: [{ name: "config", mountPath: "/etc/telegraf", readOnly: true }, caMount],
      },
    ],
    volumes: [{ name: "config", configMap: { name: i.configMap } }, caVolume(i.tlsSecret)],
  };
}

export function nodeTelegrafSpec(i: TelegrafSpecInput): k8s.types.input.apps.v1.DaemonSetSpec {
  const labels = labelsFor("telegraf-node");
  return {
    selector: { matchLabels: labels },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
    template: {
      metadata: { labels },
      spec: {
        ...telegrafPod(i, [
          { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
          { name: "NODE_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
        ]),
        // Every node, tainted or not: a node without its collector is a blind spot.
        tolerations: [{ operator: "Exists" }],
        priorityClassName: "system-node-critical",
      },
    },
  };
}

export function clusterTelegrafSpec(i: TelegrafSpecInput): k8s.types.input.apps.v1.DeploymentSpec {
  const labels = labelsFor("telegraf-cluster");
  return {
    // One writer of the inventory: two would double every kube_inventory point.
    replicas: 1,
    strategy: { type: "Recreate" },
    selector: { matchLabels: labels },
    template: { metadata: { labels }, spec: telegrafPod(i, []) },
  };
}

export interface GrafanaSpecInput {
  image: string;
  serviceAccountName: string;
  configMaps: { ini: string; providers: string; dashboards: string; alerting: string };
  /** Holds the admin password, the datasources file and (if any) contact points. */
  secret: string;
  smtp: boolean;
  contactPoints: boolean;
}

/** The official image's grafana user. */
const GRAFANA_UID = 472;

export function grafanaDeploymentSpec(i: GrafanaSpecInput): k8s.types.input.apps.v1.DeploymentSpec {
  const labels = labelsFor("grafana");
  const httpGet = { path: GRAFANA_HEALTH_PATH, port: "http" };
  return {
    // SQLite on an emptyDir: everything Grafana serves is provisioned, so one replica that is
    // replaced on update loses nothing but sessions and silences (docs/monitoring.md).
    replicas: 1,
    strategy: { type: "Recreate" },
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        serviceAccountName: i.serviceAccountName,
        securityContext: podSecurity(GRAFANA_UID),
        containers: [
          {
            name: "grafana",
            image: i.image,
            env: [
              secretEnv("GF_SECURITY_ADMIN_PASSWORD", i.secret, "admin-password"),
              ...(i.smtp ? [secretEnv("GF_SMTP_PASSWORD", i.secret, "smtp-password")] : []),
            ],
            ports: [{ name: "http", containerPort: GRAFANA_PORT, protocol: "TCP" }],
            resources: { requests: { cpu: "100m", memory: "256Mi" }, limits: { cpu: "1", memory: "512Mi" } },
            readinessProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 2, failureThreshold: 3 },
            livenessProbe: {
              httpGet,
              initialDelaySeconds: 30,
              periodSeconds: 20,
              timeoutSeconds: 5,
              failureThreshold: 6,
            },
            securityContext: restricted,
            volumeMounts: [
              { name: "ini", mountPath: "/etc/grafana/grafana.ini", subPath: "grafana.ini", readOnly: true },
              { name: "datasources", mountPath: "/etc/grafana/provisioning/datasources", readOnly: true },
              { name: "providers", mountPath: "/etc/grafana/provisioning/dashboards", readOnly: true },
              { name: "alerting", mountPath: "/etc/grafana/provisioning/alerting", readOnly: true },
              { name: "dashboards", mountPath: "/var/lib/grafana/dashboards", readOnly: true },
              { name: "data", mountPath: "/var/lib/grafana/data" },
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          { name: "ini", configMap: { name: i.configMaps.ini } },
          {
            name: "datasources",
            secret: { secretName: i.secret, items: [{ key: "datasources.yaml", path: "datasources.yaml" }] },
          },
          { name: "providers", configMap: { name: i.configMaps.providers } },
          {
            name: "alerting",
            projected: {
              sources: [
                { configMap: { name: i.configMaps.alerting } },
                ...(i.contactPoints
                  ? [
                      {
                        secret: {
                          name: i.secret,
                          items: [{ key: "contact-points.yaml", path: "contact-points.yaml" }],
                        },
                      },
                    ]
                  : []),
              ],
            },
          },
          { name: "dashboards", configMap: { name: i.configMaps.dashboards } },
          { name: "data", emptyDir: { sizeLimit: "1Gi" } },
          { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
        ],
      },
    },
  };
}
