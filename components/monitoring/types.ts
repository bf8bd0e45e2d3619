/** The typed arguments of the monitoring stack. */
import type * as pulumi from "@pulumi/pulumi";
import type { AlertThresholds, DataSource, RoutedApp } from "./alerts/rules";
import type { HostEndpointArgs } from "./hostEndpoint";

export interface ContactPointArgs {
  email?: {
    addresses: string[];
    smtp: { host: string; user: string; password: pulumi.Input<string>; fromAddress: string };
  };
  slack?: { webhookUrl: pulumi.Input<string> };
  sns?: { topicArn: pulumi.Input<string> };
}

export interface MonitoringArgs {
  /** The monitoring namespace (privileged Pod Security: the node Telegraf reads the kubelet). */
  namespace: pulumi.Input<string>;
  region: string;
  influxdb: { storageGiB: number; retentionDays: number; storageClass: string };
  grafana: {
    /** Host the platform's HAProxy tier serves Grafana under; none: port-forward only. */
    host?: string;
  };
  alerts: AlertThresholds & { contactPoints: ContactPointArgs };
  /** This stack's routed apps: each live colour's backend must keep minHealthy servers UP. */
  apps: RoutedApp[];
  /** Host sources this stack runs, each silent source alerting (the Kubernetes ones are always on). */
  hostSources: DataSource[];
  /** The internal load balancer the EC2 hosts' Telegrafs write through (needs an aws provider). */
  hostEndpoint?: Omit<HostEndpointArgs, "namespace">;
  /**
   * The cluster's OIDC provider: with an SNS contact point, Grafana's service account gets an IRSA
   * role that may publish to that topic only.
   */
  serviceAccountRoles?: { oidcProviderArn: pulumi.Input<string>; issuerUrl: pulumi.Input<string> };
  /** Database hosts exist: their dashboards and replication alerts are provisioned. */
  databases: { enabled: boolean; provisionedIops: number };
}
