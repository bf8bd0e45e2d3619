/** Maps `switchyard:logging.graylog` onto the Graylog component's settings. */
import type * as pulumi from "@pulumi/pulumi";
import type { SwitchyardConfig } from "../../config";
import type { ConfiguratorBundle } from "./bundle";
import { GRAYLOG_PORT } from "./layout";
import type { GraylogSettings } from "./types";

export function graylogSettingsFromConfig(
  cfg: SwitchyardConfig,
  storageClass: string,
  mongodb: { uri: pulumi.Input<string>; caCertPem: pulumi.Input<string> },
  configuratorBundle: ConfiguratorBundle,
): GraylogSettings {
  const g = cfg.logging.graylog;
  return {
    storageClass,
    replicas: g.replicas,
    journalGiB: g.journalGiB,
    resources: g.resources,
    host: g.host,
    retentionDays: g.retentionDays,
    search: { nodes: g.searchNodes, storageGiB: g.storageGiB, resources: g.searchResources },
    mongodb,
    configuratorBundle,
  };
}

/** The MongoDB platform-service user (and database) Graylog keeps its state in. */
export const GRAYLOG_MONGODB_USER = "graylog";

/** Graylog's container port when HAProxy reaches it (routed under `logging.graylog.host`). */
export function graylogRoutedPorts(cfg: SwitchyardConfig): number[] {
  return cfg.logging.enabled && cfg.logging.graylog.host ? [GRAYLOG_PORT] : [];
}
