/** Maps `switchyard:logging` onto the component's arguments. */
import { topicReplication } from "../config/areas/logging";
import type { SwitchyardConfig } from "../config";
import type { LoggingArgs } from "./types";

export function loggingArgsFromConfig(
  cfg: SwitchyardConfig,
  namespace: LoggingArgs["namespace"],
  storageClass: string,
): LoggingArgs {
  const l = cfg.logging;
  const k = l.kafka;
  return {
    namespace,
    protect: cfg.environment === "production",
    kafka: {
      storageClass,
      brokers: k.brokers,
      controllers: k.controllers,
      storageGiB: k.storageGiB,
      controllerStorageGiB: k.controllerStorageGiB,
      brokerResources: k.brokerResources,
      controllerResources: k.controllerResources,
      topic: {
        name: k.topic,
        partitions: k.partitions,
        ...topicReplication(k),
        retentionHours: k.retentionHours,
        retentionGiBPerPartition: k.retentionGiBPerPartition,
      },
    },
    fluentBit: l.fluentBit,
    hosts: l.hosts.enabled
      ? { bufferMiB: l.hosts.bufferMiB, cpuQuota: l.hosts.cpuQuota, memoryMax: l.hosts.memoryMax }
      : undefined,
  };
}
