/**
 * Fluent Bit on an EC2 host, as a host agent any host's cloud-init appends (withHostAgents): the
 * vendor's signed package repository, the configuration (rendered and checked by
 * common/fluentbit), the GELF Lua filter, and a credentials unit that fetches the Kafka password
 * and the cluster CA from Secrets Manager at boot. The password never appears in user-data: the
 * configuration names `${KAFKA_PASSWORD}` and systemd loads it from a 0600 file the fetcher writes.
 */
import * as pulumi from "@pulumi/pulumi";
import { HOST_PATHS, hostConfig, renderConfig } from "../fluentbit/config";
import { GELF_LUA } from "../fluentbit/lua";
import type { HostAgent } from "./cloudInit";
import { fetchSecretsUnit } from "./secretFiles";
import { renderUnit } from "./systemd";
import { memoryBytes } from "../../../model/quantity";

export const FLUENT_BIT_HOST = {
  credentialsUnit: "fluent-bit-credentials.service",
  service: "fluent-bit.service",
  dropIn: "/etc/systemd/system/fluent-bit.service.d/switchyard.conf",
  binary: "/opt/fluent-bit/bin/fluent-bit",
} as const;

/** Fluent Bit's signed repository for Amazon Linux 2023. */
export const FLUENT_BIT_REPO = {
  baseurl: "https://packages.fluentbit.io/amazonlinux/2023/",
  gpgkey: "https://packages.fluentbit.io/fluentbit.key",
} as const;

/** Where a host component's Fluent Bit writes, as the logging component hands it out. */
export interface HostLogsTarget {
  /** `host:port` of the hosts' Kafka bootstrap (the internal NLB). */
  brokers: pulumi.Input<string>;
  topic: string;
  username: string;
  /** Secrets Manager secret whose JSON has `kafka.env` (`KAFKA_PASSWORD=...`) and `kafka-ca.crt`. */
  credentialsSecretArn: pulumi.Input<string>;
  bufferMiB: number;
  cpuQuota: string;
  memoryMax: string;
}

export type ResolvedLogsTarget = Omit<HostLogsTarget, "brokers" | "credentialsSecretArn"> & {
  brokers: string;
  credentialsSecretArn: string;
};

/** Resolves a target (or none) for a user-data apply. */
export function resolveLogsTarget(
  t: HostLogsTarget | undefined,
): pulumi.Output<ResolvedLogsTarget | undefined> {
  if (!t) return pulumi.output(undefined);
  return pulumi
    .all([t.brokers, t.credentialsSecretArn])
    .apply(([brokers, credentialsSecretArn]) => ({ ...t, brokers, credentialsSecretArn }));
}

/** systemd's CPUQuota from a Kubernetes CPU quantity: 200m → 20%, 1.5 → 150%. */
export function cpuQuotaPercent(q: string): string {
  const cores = q.endsWith("m") ? Number(q.slice(0, -1)) / 1000 : Number(q);
  return `${Math.round(cores * 100)}%`;
}

/** systemd's MemoryMax (bytes) from a Kubernetes memory quantity. */
export function memoryMax(q: string): string {
  return String(memoryBytes(q));
}

export interface HostFluentBitInput {
  /** Tag on every record (`role`): edge, etcd, mysql, mongodb. */
  role: string;
  /** The units whose journal this host ships. */
  units: string[];
  target: ResolvedLogsTarget;
}

export function hostFluentBit(i: HostFluentBitInput): HostAgent {
  const credentials = fetchSecretsUnit(
    FLUENT_BIT_HOST.credentialsUnit,
    "Fetch Fluent Bit's Kafka password and CA from Secrets Manager",
    i.target.credentialsSecretArn,
    HOST_PATHS.secretsDir,
  );
  // A drop-in on the package's unit: our configuration, the credentials first (loaded by systemd
  // from the 0600 file), and bounds so log shipping can never starve the host's own service.
  const dropIn = renderUnit({
    name: "switchyard.conf",
    sections: [
      [
        "Unit",
        [
          ["Requires", FLUENT_BIT_HOST.credentialsUnit],
          ["After", FLUENT_BIT_HOST.credentialsUnit],
        ],
      ],
      [
        "Service",
        [
          ["EnvironmentFile", `${HOST_PATHS.secretsDir}/${HOST_PATHS.envFile}`],
          ["ExecStart", ""],
          ["ExecStart", `${FLUENT_BIT_HOST.binary} -c ${HOST_PATHS.config}`],
          ["StateDirectory", "fluent-bit"],
          ["CPUQuota", cpuQuotaPercent(i.target.cpuQuota)],
          ["MemoryMax", memoryMax(i.target.memoryMax)],
        ],
      ],
    ],
  });
  const config = renderConfig(
    hostConfig({
      role: i.role,
      units: i.units,
      kafka: {
        brokers: i.target.brokers,
        topic: i.target.topic,
        username: i.target.username,
        bufferMiB: i.target.bufferMiB,
      },
    }),
  );
  const file = (path: string, content: string) => ({
    path,
    content,
    permissions: "0644",
    owner: "root:root",
  });
  return {
    name: "fluent-bit",
    yumRepos: {
      "fluent-bit": {
        name: "Fluent Bit",
        baseurl: FLUENT_BIT_REPO.baseurl,
        enabled: true,
        gpgcheck: true,
        gpgkey: FLUENT_BIT_REPO.gpgkey,
      },
    },
    packages: ["fluent-bit"],
    writeFiles: [
      file(HOST_PATHS.config, config),
      file(HOST_PATHS.script, GELF_LUA),
      file(FLUENT_BIT_HOST.dropIn, dropIn),
    ],
    units: [credentials],
    enable: [FLUENT_BIT_HOST.service],
  };
}

/** The instance-role statement a host with Fluent Bit needs: read its one credentials secret. */
export function logsCredentialsStatement(target: HostLogsTarget): Record<string, unknown> {
  return { Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: target.credentialsSecretArn };
}
