/**
 * Fluent Bit on every node: tails the containers' logs, enriches them with the Kubernetes filter,
 * and writes GELF to the logs topic as the fluent-bit Kafka user, buffering on the node's disk.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { ResourceRequirements } from "../kafka/resources";
import type { FluentBitArgs, KafkaUserRef } from "../types";
import { HTTP_PORT, PASSWORD_ENV, POD_PATHS, podConfig, renderConfig } from "../../common/fluentbit/config";
import { GELF_LUA } from "../../common/fluentbit/lua";
import { FLUENT_BIT_VERSION } from "../../common/fluentbit/plugins";

export const FLUENT_BIT_IMAGE = `cr.fluentbit.io/fluent/fluent-bit:${FLUENT_BIT_VERSION}`;
export const FLUENT_BIT_LABELS = {
  "app.kubernetes.io/name": "fluent-bit",
  "app.kubernetes.io/part-of": "switchyard-logging",
};

/** What the Kubernetes filter reads: pod and namespace metadata, nothing else. */
export const FLUENT_BIT_RULES = [
  { apiGroups: [""], resources: ["pods", "namespaces"], verbs: ["get", "list", "watch"] },
];

export interface DaemonSetSpecInput {
  image: string;
  configMap: string;
  serviceAccountName: string;
  /** Secret with the Kafka user's password (`password`), written by Strimzi for the KafkaUser. */
  passwordSecret: string;
  /** Secret with the cluster CA certificate (`ca.crt`). */
  caSecret: string;
  resources: ResourceRequirements;
}

export function fluentBitDaemonSetSpec(d: DaemonSetSpecInput) {
  const probe = { httpGet: { path: "/api/v1/uptime", port: "http" }, periodSeconds: 10, failureThreshold: 3 };
  return {
    selector: { matchLabels: FLUENT_BIT_LABELS },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "10%" } },
    template: {
      metadata: { labels: FLUENT_BIT_LABELS },
      spec: {
        serviceAccountName: d.serviceAccountName,
        // Runs on every node, tainted ones included: their pods' logs matter as much.
        tolerations: [{ operator: "Exists" }],
        priorityClassName: "system-node-critical",
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: "fluent-bit",
            image: d.image,
            args: ["-c", POD_PATHS.config],
            ports: [{ name: "http", containerPort: HTTP_PORT, protocol: "TCP" }],
            env: [
              { name: "NODE_NAME", valueFrom: { fieldRef: { fieldPath: "spec.nodeName" } } },
              {
                name: PASSWORD_ENV,
                valueFrom: { secretKeyRef: { name: d.passwordSecret, key: "password" } },
              },
            ],
            resources: d.resources,
            livenessProbe: { ...probe, initialDelaySeconds: 10 },
            readinessProbe: probe,
            // Root to read the node's log files (root-owned); no capabilities, nothing else writable.
            securityContext: {
              runAsUser: 0,
              runAsNonRoot: false,
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [
              { name: "config", mountPath: POD_PATHS.configDir, readOnly: true },
              { name: "kafka-ca", mountPath: POD_PATHS.caDir, readOnly: true },
              { name: "varlog", mountPath: "/var/log", readOnly: true },
              { name: "state", mountPath: POD_PATHS.state },
            ],
          },
        ],
        volumes: [
          { name: "config", configMap: { name: d.configMap } },
          {
            name: "kafka-ca",
            secret: { secretName: d.caSecret, items: [{ key: "ca.crt", path: "ca.crt" }] },
          },
          { name: "varlog", hostPath: { path: "/var/log", type: "Directory" } },
          { name: "state", hostPath: { path: POD_PATHS.state, type: "DirectoryOrCreate" } },
        ],
      },
    },
  };
}

export interface FluentBitInput extends FluentBitArgs {
  namespace: pulumi.Input<string>;
  bootstrapServers: pulumi.Input<string>;
  topic: string;
  user: KafkaUserRef;
  caSecret: string;
  /** The Kafka user and topic must exist first. */
  dependsOn: pulumi.Resource[];
}

export function createFluentBit(
  name: string,
  f: FluentBitInput,
  parent: pulumi.Resource,
): k8s.apps.v1.DaemonSet {
  const component = `${name}-fluent-bit`;
  const metadata = { namespace: f.namespace, labels: FLUENT_BIT_LABELS };
  const account = new k8s.core.v1.ServiceAccount(component, { metadata }, { parent });
  const role = new k8s.rbac.v1.ClusterRole(
    component,
    { metadata: { labels: FLUENT_BIT_LABELS }, rules: FLUENT_BIT_RULES },
    { parent },
  );
  new k8s.rbac.v1.ClusterRoleBinding(
    component,
    {
      metadata: { labels: FLUENT_BIT_LABELS },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
      subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: f.namespace }],
    },
    { parent },
  );
  const config = new k8s.core.v1.ConfigMap(
    component,
    {
      metadata,
      data: {
        "fluent-bit.yaml": pulumi.output(f.bootstrapServers).apply((brokers) =>
          renderConfig(
            podConfig({
              kafka: { brokers, topic: f.topic, username: f.user.name, bufferMiB: f.bufferMiB },
              memBufLimitMiB: f.memBufLimitMiB,
            }),
          ),
        ),
        "gelf.lua": GELF_LUA,
      },
    },
    { parent },
  );
  return new k8s.apps.v1.DaemonSet(
    component,
    {
      metadata,
      spec: pulumi
        .all([config.metadata.name, account.metadata.name])
        .apply(([configMap, serviceAccountName]) =>
          fluentBitDaemonSetSpec({
            image: FLUENT_BIT_IMAGE,
            configMap,
            serviceAccountName,
            passwordSecret: f.user.secretName,
            caSecret: f.caSecret,
            resources: f.resources,
          }),
        ),
    },
    { parent, dependsOn: f.dependsOn },
  );
}
