/** Names, ports, paths and images of Graylog and its search backend. One table for specs, configs and docs. */

export const IMAGES = {
  /** Graylog Open, current major (7.0); tags are never `latest` upstream either. */
  graylog: "graylog/graylog:7.0.6",
  /** The newest OpenSearch line Graylog's compatibility notes allow (below 2.16). */
  opensearch: "opensearchproject/opensearch:2.15.0",
} as const;

export const GRAYLOG_PORT = 9000;
/** Unauthenticated; 200 "ALIVE" while the node processes: the pods' readiness and HAProxy's check. */
export const GRAYLOG_HEALTH_PATH = "/api/system/lbstatus";
/** The route app Graylog is served as through the HAProxy tier (its members, its backends). */
export const GRAYLOG_ROUTE_APP = "graylog";
export const OPENSEARCH_HTTP_PORT = 9200;
export const OPENSEARCH_TRANSPORT_PORT = 9300;

export const SERVICE_NAMES = {
  /** ClusterIP: the web interface and REST API (the HAProxy tier and the configurator use it). */
  graylog: "graylog",
  /** Headless: stable per-pod names for the StatefulSet. */
  graylogPods: "graylog-pods",
  /** ClusterIP: what Graylog indexes into. */
  opensearch: "opensearch",
  /** Headless: discovery between OpenSearch nodes. */
  opensearchPods: "opensearch-pods",
} as const;

/** The official image's graylog user and OpenSearch's opensearch user. */
export const UIDS = { graylog: 1100, opensearch: 1000 } as const;

export const GRAYLOG_PATHS = {
  /** The persistent volume: the message journal (buffer while OpenSearch is slow) and the node id. */
  data: "/usr/share/graylog/data/journal",
  nodeIdFile: "/usr/share/graylog/data/journal/node-id",
  /** The Kafka cluster CA, mounted from Strimzi's `<cluster>-cluster-ca-cert` Secret. */
  kafkaCaDir: "/etc/graylog/kafka",
  kafkaCaFile: "/etc/graylog/kafka/ca.crt",
} as const;

export const OPENSEARCH_DATA = "/usr/share/opensearch/data";

/** The root user Graylog defines from root_password_sha2 (no user of that name exists in MongoDB). */
export const ROOT_USERNAME = "admin";

/** Keys of the Graylog Secret (server settings) and of the configurator's inputs. */
export const SECRET_KEYS = {
  passwordSecret: "password-secret",
  rootPasswordSha2: "root-password-sha2",
  rootPassword: "root-password",
  mongodbUri: "mongodb-uri",
  mongodbCa: "mongodb-ca.crt",
  /** Graylog's elasticsearch_hosts: the https URL with the OpenSearch user's credentials. */
  opensearchHosts: "opensearch-hosts",
  /** The CA of OpenSearch's certificates, added to Graylog's JVM truststore. */
  opensearchCa: "opensearch-ca.crt",
} as const;

export const DESIRED_STATE_FILE = "desired-state.json";

export const labelsFor = (component: string): Record<string, string> => ({
  "app.kubernetes.io/name": component,
  "app.kubernetes.io/part-of": "switchyard-logging",
});
