/** The Graylog pod inputs the spec tests share: prod-like sizing, the Secrets by name. */
import type {
  graylogStatefulSetSpec,
  openSearchStatefulSetSpec,
} from "../../../../components/logging/graylog/specs";

export const RESOURCES = { requests: { cpu: "500m", memory: "2Gi" }, limits: { cpu: "2", memory: "4Gi" } };

export const GRAYLOG_SPEC_INPUT: Parameters<typeof graylogStatefulSetSpec>[0] = {
  image: "graylog:x",
  replicas: 2,
  journalGiB: 20,
  storageClass: "gp3",
  resources: RESOURCES,
  secret: "graylog-secret",
  kafkaCaSecret: "logs-cluster-ca-cert",
  externalUri: "https://logs.example.com/",
  configDigest: "digest-1",
};

export const OPENSEARCH_SPEC_INPUT: Parameters<typeof openSearchStatefulSetSpec>[0] = {
  image: "opensearch:x",
  nodes: 3,
  storageGiB: 200,
  storageClass: "gp3",
  resources: RESOURCES,
  configMap: "os-config",
  nodeSecret: "os-node",
  configDigest: "digest-1",
};
