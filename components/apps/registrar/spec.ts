/**
 * The registrar's Kubernetes objects as pure functions of its settings, so that what reaches the
 * cluster (RBAC, pod security, probes, limits, the start command) is tested without Pulumi.
 */
import type * as k8s from "@pulumi/kubernetes";
import { HEALTHZ_PATH } from "../../../model/http";
import { REGISTRAR_HTTP_PORT } from "../../../model/ports";
import { registrarEnvName } from "../../../model/registrar";

/** A pinned Node.js runtime (the version the bundle is tested with); the bundle needs nothing else. */
export const DEFAULT_IMAGE = "node:20.20.2-alpine3.22";
export const BUNDLE_KEY = "switchyard-registrar.js.gz";
export const BUNDLE_ANNOTATION = "switchyard.io/registrar-bundle-sha256";
/** The uid/gid of the `node` user in the official Node.js images. */
const NODE_UID = 1000;

const BUNDLE_DIR = "/opt/switchyard";
const RUN_DIR = "/run/switchyard";
const TLS_DIR = "/etc/switchyard/etcd";

/** Read-only, and only the one resource the registrar reads (a Role in each namespace it reads). */
export function registrarRules(): k8s.types.input.rbac.v1.PolicyRule[] {
  return [
    { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: ["get", "list", "watch"] },
  ];
}

export function registrarLabels(name: string): Record<string, string> {
  return { "app.kubernetes.io/name": "switchyard-registrar", "app.kubernetes.io/instance": name };
}

export interface RegistrarPodArgs {
  name: string;
  image: string;
  replicas: number;
  serviceAccountName: string;
  /** Pinned apps (`--apps`); empty: only the apps discovered from labelled slices. */
  apps: string[];
  appsNamespace: string;
  /** Namespaces of routed platform Services (`--platform-namespaces`). */
  platformNamespaces: string[];
  etcdEndpoints: string[];
  bundleConfigMap: string;
  bundleSha256: string;
  etcdSecret: string;
}

/**
 * Two replicas by default: every reconcile is full-state and idempotent, so both write the same
 * records from the same view, and one replica being rescheduled never pauses member updates.
 */
export function registrarDeploymentSpec(a: RegistrarPodArgs): k8s.types.input.apps.v1.DeploymentSpec {
  const labels = registrarLabels(a.name);
  const env: Record<string, string> = {
    ...(a.apps.length > 0 ? { [registrarEnvName("apps")]: a.apps.join(",") } : {}),
    [registrarEnvName("namespace")]: a.appsNamespace,
    ...(a.platformNamespaces.length > 0
      ? { [registrarEnvName("platform-namespaces")]: [...a.platformNamespaces].sort().join(",") }
      : {}),
    [registrarEnvName("etcd-endpoints")]: a.etcdEndpoints.join(","),
    [registrarEnvName("etcd-ca")]: `${TLS_DIR}/ca.crt`,
    [registrarEnvName("etcd-cert")]: `${TLS_DIR}/tls.crt`,
    [registrarEnvName("etcd-key")]: `${TLS_DIR}/tls.key`,
    [registrarEnvName("http-port")]: String(REGISTRAR_HTTP_PORT),
  };
  const httpGet = { path: HEALTHZ_PATH, port: "http" };
  return {
    replicas: a.replicas,
    selector: { matchLabels: labels },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: 1 } },
    template: {
      metadata: { labels, annotations: { [BUNDLE_ANNOTATION]: a.bundleSha256 } },
      spec: {
        serviceAccountName: a.serviceAccountName,
        securityContext: {
          runAsNonRoot: true,
          runAsUser: NODE_UID,
          runAsGroup: NODE_UID,
          fsGroup: NODE_UID,
          seccompProfile: { type: "RuntimeDefault" },
        },
        affinity: {
          podAntiAffinity: {
            preferredDuringSchedulingIgnoredDuringExecution: [
              {
                weight: 100,
                podAffinityTerm: {
                  topologyKey: "kubernetes.io/hostname",
                  labelSelector: { matchLabels: labels },
                },
              },
            ],
          },
        },
        containers: [
          {
            name: "registrar",
            image: a.image,
            // The root filesystem is read-only: the bundle is inflated into a memory-backed emptyDir.
            command: [
              "/bin/sh",
              "-c",
              `gunzip -c ${BUNDLE_DIR}/${BUNDLE_KEY} > ${RUN_DIR}/switchyard-registrar.js && exec node ${RUN_DIR}/switchyard-registrar.js`,
            ],
            env: Object.entries(env).map(([name, value]) => ({ name, value })),
            ports: [{ name: "http", containerPort: REGISTRAR_HTTP_PORT, protocol: "TCP" }],
            resources: {
              requests: { cpu: "50m", memory: "96Mi" },
              limits: { cpu: "500m", memory: "256Mi" },
            },
            // Ready (and alive) once the first full reconcile has succeeded; it stays so through
            // later outages, which a restart would not cure. A pod that never gets there restarts.
            readinessProbe: { httpGet, periodSeconds: 5, timeoutSeconds: 2, failureThreshold: 2 },
            livenessProbe: {
              httpGet,
              initialDelaySeconds: 30,
              periodSeconds: 10,
              timeoutSeconds: 2,
              failureThreshold: 6,
            },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [
              { name: "bundle", mountPath: BUNDLE_DIR, readOnly: true },
              { name: "run", mountPath: RUN_DIR },
              { name: "etcd-tls", mountPath: TLS_DIR, readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "bundle", configMap: { name: a.bundleConfigMap } },
          { name: "run", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
          { name: "etcd-tls", secret: { secretName: a.etcdSecret, defaultMode: 0o440 } },
        ],
      },
    },
  };
}
