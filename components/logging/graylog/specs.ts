/**
 * Graylog's, OpenSearch's and the configurator's Kubernetes specs as pure functions, so what
 * reaches the cluster (limits, probes, spread over zones, volumes, where every credential comes
 * from) is tested without Pulumi. Credentials reach containers only through Secret references.
 */
import type * as k8s from "@pulumi/kubernetes";
import { memoryBytes, MIB } from "../../../model/quantity";
import { CONFIG_DIGEST_ANNOTATION } from "../../common/digest";
import { CONFIGURATOR_BUNDLE_KEY } from "./bundle";
import {
  DESIRED_STATE_FILE,
  GRAYLOG_HEALTH_PATH,
  GRAYLOG_PATHS,
  GRAYLOG_PORT,
  OPENSEARCH_DATA,
  OPENSEARCH_HTTP_PORT,
  OPENSEARCH_TRANSPORT_PORT,
  ROOT_USERNAME,
  SECRET_KEYS,
  SERVICE_NAMES,
  UIDS,
  labelsFor,
} from "./layout";
import {
  OPENSEARCH_ADMIN_DIR,
  OPENSEARCH_ADMIN_FILES,
  OPENSEARCH_CERTS_DIR,
  OPENSEARCH_CONFIG_DIR,
  OPENSEARCH_SECURITY_DIR,
  OPENSEARCH_TLS_FILES,
  OPENSEARCH_YML,
  PUBLIC_SECURITY_FILES,
  SECURITY_ADMIN_SCRIPT,
  SECURITY_FILES,
  securityAdminArgs,
} from "./opensearchSecurity";

type StatefulSetSpec = k8s.types.input.apps.v1.StatefulSetSpec;
type Resources = { requests: { cpu: string; memory: string }; limits: { cpu: string; memory: string } };

/** JVM heap for a memory limit: half of it (the rest: off-heap, threads, and for OpenSearch the file cache). */
export function heapMiB(memoryLimit: string): number {
  // Decimal suffixes (4G) would give a heap that is not a whole number of MiB: refused.
  if (!/^\d+(Ki|Mi|Gi|Ti)$/.test(memoryLimit))
    throw new Error(`expected a binary memory quantity such as 2Gi for a JVM heap, got ${memoryLimit}`);
  return Math.floor(memoryBytes(memoryLimit) / MIB / 2);
}

const secretEnv = (name: string, secret: string, key: string) => ({
  name,
  valueFrom: { secretKeyRef: { name: secret, key } },
});

const noEscalation = { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } };

const podSecurity = (uid: number) => ({
  runAsNonRoot: true,
  runAsUser: uid,
  runAsGroup: uid,
  fsGroup: uid,
  fsGroupChangePolicy: "OnRootMismatch",
  seccompProfile: { type: "RuntimeDefault" },
});

/** One pod per zone where possible, and never two on one node when avoidable. */
const spread = (labels: Record<string, string>) => [
  {
    maxSkew: 1,
    topologyKey: "topology.kubernetes.io/zone",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: labels },
  },
  {
    maxSkew: 1,
    topologyKey: "kubernetes.io/hostname",
    whenUnsatisfiable: "ScheduleAnyway",
    labelSelector: { matchLabels: labels },
  },
];

/** The StatefulSet fields both share: stable pod names, and volumes that outlive pods and set. */
const statefulSetBase = (serviceName: string, replicas: number, labels: Record<string, string>) => ({
  serviceName,
  replicas,
  selector: { matchLabels: labels },
  persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
});

const claim = (storageGiB: number, storageClass: string) => ({
  metadata: { name: "data" },
  spec: {
    accessModes: ["ReadWriteOnce"],
    storageClassName: storageClass,
    resources: { requests: { storage: `${storageGiB}Gi` } },
  },
});

export interface OpenSearchSpecInput {
  image: string;
  nodes: number;
  storageGiB: number;
  storageClass: string;
  resources: Resources;
  /** ConfigMap with opensearch.yml and the security files that hold no secret. */
  configMap: string;
  /** Secret with the node's certificate, key, the CA and internal_users.yml. */
  nodeSecret: string;
  /** Digest of what the pods read at start (configuration, certificate): a change rolls them. */
  configDigest: string;
}

export { openSearchPodNames } from "./opensearchSecurity";

/**
 * Ready once the security plugin is UP (its index exists, so the cluster has formed); its health
 * endpoint answers without credentials. curl checks the certificate against the CA for the
 * Service name, resolved to this pod.
 */
const securityHealthCheck = [
  "/bin/sh",
  "-c",
  `curl -sS --max-time 4 --cacert ${OPENSEARCH_CONFIG_DIR}/${OPENSEARCH_CERTS_DIR}/${OPENSEARCH_TLS_FILES.ca} ` +
    `--resolve ${SERVICE_NAMES.opensearch}:${OPENSEARCH_HTTP_PORT}:127.0.0.1 ` +
    `https://${SERVICE_NAMES.opensearch}:${OPENSEARCH_HTTP_PORT}/_plugins/_security/health | grep -q '"status":"UP"'`,
];

/** A file of the OpenSearch ConfigMap, mounted over the image's. */
const configFile = (file: string, dir: string) => ({
  name: "config",
  mountPath: `${dir}/${file}`,
  subPath: file,
  readOnly: true,
});

/**
 * The security directory as the nodes and the security Job see it: the image's
 * config/opensearch-security with our files over its own (the public ones from the ConfigMap,
 * internal_users.yml from the node Secret). One definition, so the Job uploads what the nodes
 * loaded at first start.
 */
const securityDirMounts = () => [
  ...PUBLIC_SECURITY_FILES.map((f) => configFile(f, OPENSEARCH_SECURITY_DIR)),
  {
    name: "internal-users",
    mountPath: `${OPENSEARCH_SECURITY_DIR}/${SECURITY_FILES.internalUsers}`,
    subPath: SECURITY_FILES.internalUsers,
    readOnly: true,
  },
];

const securityDirVolumes = (configMap: string, nodeSecret: string) => [
  { name: "config", configMap: { name: configMap } },
  {
    name: "internal-users",
    secret: {
      secretName: nodeSecret,
      defaultMode: 0o440,
      items: [{ key: SECURITY_FILES.internalUsers, path: SECURITY_FILES.internalUsers }],
    },
  },
];

export function openSearchStatefulSetSpec(i: OpenSearchSpecInput): StatefulSetSpec {
  const labels = labelsFor("opensearch");
  const heap = heapMiB(i.resources.limits.memory);
  const env: Record<string, string> = {
    // The security plugin stays on; its demo installer (demo certificates, demo users, and since
    // 2.12 a required OPENSEARCH_INITIAL_ADMIN_PASSWORD) does not run: our files replace it.
    DISABLE_INSTALL_DEMO_CONFIG: "true",
    OPENSEARCH_JAVA_OPTS: `-Xms${heap}m -Xmx${heap}m`,
  };
  return {
    ...statefulSetBase(SERVICE_NAMES.opensearchPods, i.nodes, labels),
    // All nodes at once at creation: discovery needs the initial cluster-manager nodes up together.
    podManagementPolicy: "Parallel",
    template: {
      metadata: { labels, annotations: { [CONFIG_DIGEST_ANNOTATION]: i.configDigest } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: podSecurity(UIDS.opensearch),
        topologySpreadConstraints: spread(labels),
        terminationGracePeriodSeconds: 120,
        containers: [
          {
            name: "opensearch",
            image: i.image,
            env: [
              { name: "node.name", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              ...Object.entries(env).map(([name, value]) => ({ name, value })),
            ],
            ports: [
              { name: "http", containerPort: OPENSEARCH_HTTP_PORT, protocol: "TCP" },
              { name: "transport", containerPort: OPENSEARCH_TRANSPORT_PORT, protocol: "TCP" },
            ],
            resources: i.resources,
            // Ready once this node is part of a cluster that answers; yellow is enough to index.
            readinessProbe: {
              exec: { command: securityHealthCheck },
              periodSeconds: 10,
              timeoutSeconds: 5,
              failureThreshold: 3,
            },
            startupProbe: { tcpSocket: { port: "http" }, periodSeconds: 10, failureThreshold: 60 },
            livenessProbe: {
              tcpSocket: { port: "transport" },
              periodSeconds: 20,
              timeoutSeconds: 5,
              failureThreshold: 6,
            },
            securityContext: noEscalation,
            volumeMounts: [
              { name: "data", mountPath: OPENSEARCH_DATA },
              configFile(OPENSEARCH_YML, OPENSEARCH_CONFIG_DIR),
              ...securityDirMounts(),
              {
                name: "node-tls",
                mountPath: `${OPENSEARCH_CONFIG_DIR}/${OPENSEARCH_CERTS_DIR}`,
                readOnly: true,
              },
            ],
          },
        ],
        volumes: [
          ...securityDirVolumes(i.configMap, i.nodeSecret),
          {
            name: "node-tls",
            secret: {
              secretName: i.nodeSecret,
              defaultMode: 0o440,
              items: Object.values(OPENSEARCH_TLS_FILES).map((f) => ({ key: f, path: f })),
            },
          },
        ],
      },
    },
    volumeClaimTemplates: [claim(i.storageGiB, i.storageClass)],
  };
}

export interface GraylogSpecInput {
  image: string;
  replicas: number;
  journalGiB: number;
  storageClass: string;
  resources: Resources;
  /**
   * The Secret with password_secret, root_password_sha2, the MongoDB URI and its CA, and
   * OpenSearch's URL with Graylog's credentials and its CA.
   */
  secret: string;
  /** Strimzi's cluster CA Secret (key ca.crt), for the Kafka input's PEM truststore. */
  kafkaCaSecret: string;
  /** https://<host>/ when routed through the HAProxy tier; http://localhost:9000/ otherwise. */
  externalUri: string;
  /** Digest of the Secret's contents, read at start only: a change rolls the pods. */
  configDigest: string;
}

/**
 * The JVM truststore built at start: the JDK's CAs plus the MongoDB CA (TLS to the replica set)
 * and OpenSearch's CA. Graylog's OpenSearch client trusts what the JVM's default trust manager
 * trusts (graylog2-server: CustomCAX509TrustManager adds its own CA, used by Data Node only).
 */
const TRUSTSTORE = "/truststore/cacerts";
const TRUSTED_CAS_DIR = "/trusted-cas";
/** Alias in the truststore and key in the Graylog Secret of each CA Graylog's JVM trusts. */
const TRUSTED_CAS: [string, string][] = [
  ["switchyard-mongodb-ca", SECRET_KEYS.mongodbCa],
  ["switchyard-opensearch-ca", SECRET_KEYS.opensearchCa],
];

export function graylogStatefulSetSpec(i: GraylogSpecInput): StatefulSetSpec {
  const labels = labelsFor("graylog");
  const heap = heapMiB(i.resources.limits.memory);
  const settings: Record<string, string> = {
    GRAYLOG_HTTP_BIND_ADDRESS: `0.0.0.0:${GRAYLOG_PORT}`,
    GRAYLOG_HTTP_EXTERNAL_URI: i.externalUri,
    GRAYLOG_ROOT_USERNAME: ROOT_USERNAME,
    GRAYLOG_NODE_ID_FILE: GRAYLOG_PATHS.nodeIdFile,
    GRAYLOG_MESSAGE_JOURNAL_DIR: GRAYLOG_PATHS.data,
    // The journal may use most of its volume; Graylog stops reading inputs when it is full.
    GRAYLOG_MESSAGE_JOURNAL_MAX_SIZE: `${Math.max(1, i.journalGiB - 2)}gb`,
    // Only the HAProxy tier proxies; its X-Forwarded-For is trusted from the cluster network.
    GRAYLOG_TRUSTED_PROXIES: "10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16",
    GRAYLOG_SERVER_JAVA_OPTS: [
      `-Xms${heap}m -Xmx${heap}m`,
      "-XX:+UseG1GC -Dlog4j2.formatMsgNoLookups=true -Djdk.tls.acknowledgeCloseNotify=true",
      // The truststore holds public certificates only; its password is the JDK's well-known default.
      `-Djavax.net.ssl.trustStore=${TRUSTSTORE} -Djavax.net.ssl.trustStoreType=PKCS12 -Djavax.net.ssl.trustStorePassword=changeit`,
    ].join(" "),
  };
  const httpGet = { path: GRAYLOG_HEALTH_PATH, port: "http" };
  return {
    ...statefulSetBase(SERVICE_NAMES.graylogPods, i.replicas, labels),
    template: {
      metadata: { labels, annotations: { [CONFIG_DIGEST_ANNOTATION]: i.configDigest } },
      spec: {
        automountServiceAccountToken: false,
        securityContext: podSecurity(UIDS.graylog),
        topologySpreadConstraints: spread(labels),
        terminationGracePeriodSeconds: 60,
        initContainers: [
          {
            name: "truststore",
            image: i.image,
            command: [
              "/bin/sh",
              "-c",
              [
                `cp "$JAVA_HOME/lib/security/cacerts" ${TRUSTSTORE}`,
                `chmod 0600 ${TRUSTSTORE}`,
                ...TRUSTED_CAS.map(
                  ([alias, key]) =>
                    `keytool -importcert -noprompt -alias ${alias} -file ${TRUSTED_CAS_DIR}/${key} ` +
                    `-keystore ${TRUSTSTORE} -storetype PKCS12 -storepass changeit`,
                ),
              ].join(" && "),
            ],
            resources: {
              requests: { cpu: "100m", memory: "128Mi" },
              limits: { cpu: "500m", memory: "256Mi" },
            },
            securityContext: { ...noEscalation, readOnlyRootFilesystem: true },
            volumeMounts: [
              { name: "truststore", mountPath: "/truststore" },
              { name: "trusted-cas", mountPath: TRUSTED_CAS_DIR, readOnly: true },
            ],
          },
        ],
        containers: [
          {
            name: "graylog",
            image: i.image,
            // Node 0 runs the leader's periodical jobs (index rotation, retention); the others not.
            command: [
              "tini",
              "--",
              "/bin/bash",
              "-c",
              'if [ "${HOSTNAME##*-}" = 0 ]; then export GRAYLOG_IS_LEADER=true; else export GRAYLOG_IS_LEADER=false; fi; exec /docker-entrypoint.sh server',
            ],
            env: [
              ...Object.entries(settings).map(([name, value]) => ({ name, value })),
              secretEnv("GRAYLOG_PASSWORD_SECRET", i.secret, SECRET_KEYS.passwordSecret),
              secretEnv("GRAYLOG_ROOT_PASSWORD_SHA2", i.secret, SECRET_KEYS.rootPasswordSha2),
              secretEnv("GRAYLOG_MONGODB_URI", i.secret, SECRET_KEYS.mongodbUri),
              secretEnv("GRAYLOG_ELASTICSEARCH_HOSTS", i.secret, SECRET_KEYS.opensearchHosts),
            ],
            ports: [{ name: "http", containerPort: GRAYLOG_PORT, protocol: "TCP" }],
            resources: i.resources,
            // lbstatus answers ALIVE once the node processes messages, DEAD while it shuts down.
            readinessProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3 },
            // Migrations and index checks on a first start take minutes.
            startupProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 90 },
            livenessProbe: {
              tcpSocket: { port: "http" },
              periodSeconds: 20,
              timeoutSeconds: 5,
              failureThreshold: 6,
            },
            securityContext: noEscalation,
            volumeMounts: [
              { name: "data", mountPath: GRAYLOG_PATHS.data },
              { name: "truststore", mountPath: "/truststore", readOnly: true },
              { name: "kafka-ca", mountPath: GRAYLOG_PATHS.kafkaCaDir, readOnly: true },
            ],
          },
        ],
        volumes: [
          { name: "truststore", emptyDir: { medium: "Memory", sizeLimit: "8Mi" } },
          {
            name: "trusted-cas",
            secret: {
              secretName: i.secret,
              items: TRUSTED_CAS.map(([, key]) => ({ key, path: key })),
            },
          },
          {
            name: "kafka-ca",
            secret: { secretName: i.kafkaCaSecret, items: [{ key: "ca.crt", path: "ca.crt" }] },
          },
        ],
      },
    },
    volumeClaimTemplates: [claim(i.journalGiB, i.storageClass)],
  };
}

export interface ConfiguratorJobInput {
  /** A pinned Node.js >= 20 image (global fetch). */
  image: string;
  /** ConfigMap holding the bundle and the desired state (no secret in either). */
  configMap: string;
  secret: string;
  /** The Graylog KafkaUser's Secret (Strimzi writes the SCRAM password under `password`). */
  kafkaUserSecret: string;
  graylogUrl: string;
}

export function configuratorJobSpec(i: ConfiguratorJobInput): k8s.types.input.batch.v1.JobSpec {
  return {
    // Graylog may take minutes to be ALIVE; a failed run is retried, then fails `pulumi up`.
    backoffLimit: 4,
    activeDeadlineSeconds: 1800,
    template: {
      metadata: { labels: labelsFor("graylog-configurator") },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: podSecurity(1000),
        containers: [
          {
            name: "configurator",
            image: i.image,
            command: ["node", `/etc/graylog-configurator/${CONFIGURATOR_BUNDLE_KEY}`],
            env: [
              { name: "GRAYLOG_URL", value: i.graylogUrl },
              { name: "GRAYLOG_USERNAME", value: ROOT_USERNAME },
              { name: "DESIRED_STATE_FILE", value: `/etc/graylog-configurator/${DESIRED_STATE_FILE}` },
              secretEnv("GRAYLOG_PASSWORD", i.secret, SECRET_KEYS.rootPassword),
              secretEnv("KAFKA_PASSWORD", i.kafkaUserSecret, "password"),
            ],
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { cpu: "250m", memory: "128Mi" } },
            securityContext: { ...noEscalation, readOnlyRootFilesystem: true },
            volumeMounts: [{ name: "configurator", mountPath: "/etc/graylog-configurator", readOnly: true }],
          },
        ],
        volumes: [{ name: "configurator", configMap: { name: i.configMap } }],
      },
    },
  };
}

export interface OpenSearchSecurityJobInput {
  /** The OpenSearch image the nodes run (its securityadmin.sh matches their plugin). */
  image: string;
  namespace: string;
  /** The ConfigMap and node Secret the nodes mount their security files from. */
  configMap: string;
  nodeSecret: string;
  /** The admin certificate's Secret (`plugins.security.authcz.admin_dn`); mounted here only. */
  adminSecret: string;
}

/** securityadmin.sh is a JVM client: a small heap, most of the limit for the JVM itself. */
const SECURITY_JOB_RESOURCES = {
  requests: { cpu: "100m", memory: "384Mi" },
  limits: { cpu: "1", memory: "512Mi" },
};

/**
 * The security Job: applies the security files to the security index with OpenSearch's own
 * securityadmin.sh (the plugin reads them itself only when it creates the index). Its annotation
 * carries their digest (graylog.ts), so a rotated password or a changed role runs it again.
 */
export function openSearchSecurityJobSpec(i: OpenSearchSecurityJobInput): k8s.types.input.batch.v1.JobSpec {
  const heap = heapMiB(SECURITY_JOB_RESOURCES.limits.memory);
  return {
    // A cluster still forming refuses the connection (exit -1): retried; a stuck one ends at the deadline.
    backoffLimit: 6,
    activeDeadlineSeconds: 1200,
    ttlSecondsAfterFinished: 86400,
    template: {
      metadata: { labels: labelsFor("opensearch-security") },
      spec: {
        restartPolicy: "Never",
        automountServiceAccountToken: false,
        securityContext: podSecurity(UIDS.opensearch),
        containers: [
          {
            name: "securityadmin",
            image: i.image,
            // Through bash: the script's mode bit is the plugin zip's, not something to rely on.
            command: ["/bin/bash", SECURITY_ADMIN_SCRIPT, ...securityAdminArgs(i.namespace)],
            env: [{ name: "JAVA_OPTS", value: `-Xms${heap}m -Xmx${heap}m` }],
            resources: SECURITY_JOB_RESOURCES,
            securityContext: { ...noEscalation, readOnlyRootFilesystem: true },
            volumeMounts: [
              ...securityDirMounts(),
              { name: "admin-tls", mountPath: OPENSEARCH_ADMIN_DIR, readOnly: true },
              // The JVM's temporary files (hsperfdata); the root filesystem is read-only.
              { name: "tmp", mountPath: "/tmp" },
            ],
          },
        ],
        volumes: [
          ...securityDirVolumes(i.configMap, i.nodeSecret),
          {
            name: "admin-tls",
            secret: {
              secretName: i.adminSecret,
              defaultMode: 0o440,
              items: Object.values(OPENSEARCH_ADMIN_FILES).map((f) => ({ key: f, path: f })),
            },
          },
          { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
        ],
      },
    },
  };
}
