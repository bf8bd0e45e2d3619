/**
 * Telegraf on an EC2 host, as a part any host's cloud-init adds to its own document: the vendor's
 * signed package repository, the configuration (rendered and checked by common/telegraf), and a
 * credentials unit that fetches the InfluxDB password from Secrets Manager at boot. The password
 * never appears in user-data: the config names `${INFLUX_PASSWORD}` and systemd loads it from a
 * 0600 file the fetcher writes.
 */
import * as pulumi from "@pulumi/pulumi";
import { renderTelegrafConfig, type PluginOptions, type TelegrafConfig } from "../telegraf/config";
import type { InputPlugin } from "../telegraf/plugins";
import type { CloudConfigPart, HostAgent } from "./cloudInit";
import { fetchSecretsUnit } from "./secretFiles";
import { renderUnit } from "./systemd";

export const TELEGRAF_HOST = {
  config: "/etc/telegraf/telegraf.conf",
  secretsDir: "/etc/telegraf/secrets",
  /** The key of the Secrets Manager JSON document (and the file it becomes). */
  envFile: "influxdb.env",
  dropIn: "/etc/systemd/system/telegraf.service.d/switchyard.conf",
  credentialsUnit: "telegraf-credentials.service",
  /** CA certificates Telegraf itself reads (tls_ca), fetched for its user: public, not secret. */
  tlsDir: "/etc/telegraf/tls",
  /** The InfluxDB CA's file name: the key of the monitoring component's CA secret. */
  influxCaFile: "influxdb-ca.crt",
  /** The user the package runs Telegraf as. */
  user: "telegraf",
} as const;

/** InfluxData's signed repository for RHEL-family systems (Amazon Linux 2023 included). */
export const INFLUXDATA_REPO = {
  baseurl: "https://repos.influxdata.com/stable/$basearch/main",
  gpgkey: "https://repos.influxdata.com/influxdata-archive.key",
} as const;

export interface HostTelegrafInput {
  /** Tag on every point (`role`), so dashboards can tell the tiers apart. */
  role: string;
  inputs: { plugin: InputPlugin; options: PluginOptions }[];
  /**
   * With `caSecretArn` (a secret whose JSON key `influxdb-ca.crt` is InfluxDB's CA), Telegraf
   * writes over HTTPS trusting that CA only.
   */
  influx: { url: string; database: string; username: string; caSecretArn?: string };
  /** Secrets Manager secret whose JSON has `influxdb.env`: `INFLUX_PASSWORD=...`. */
  credentialsSecretArn: string;
  /** Run as this user instead of telegraf (a socket only that user may read). */
  runAs?: string;
  /**
   * The input's own credential (a database's monitoring password), fetched at boot like
   * InfluxDB's: a Secrets Manager secret whose JSON key `envFile` holds `NAME=value` lines.
   */
  serviceCredentials?: { secretArn: string; envFile: string };
  /**
   * Secrets of CA certificates an input trusts (file name -> PEM, e.g. the MongoDB members' CA),
   * fetched into TELEGRAF_HOST.tlsDir for Telegraf's user; the input's `tls_ca` names the file.
   */
  inputCaSecretArns?: string[];
}

/** Where a host component's Telegraf writes, as the monitoring component hands it out. */
export interface HostMetricsTarget {
  url: pulumi.Input<string>;
  database: string;
  username: string;
  credentialsSecretArn: pulumi.Input<string>;
  /** InfluxDB's CA (JSON key `influxdb-ca.crt`): the hosts write over HTTPS trusting it. */
  caSecretArn: pulumi.Input<string>;
}

/** HostMetricsTarget with its outputs resolved, as a user-data renderer takes it. */
export interface ResolvedMetricsTarget {
  url: string;
  database: string;
  username: string;
  credentialsSecretArn: string;
  caSecretArn: string;
}

/** Resolves a target (or none) for a user-data apply. */
export function resolveMetricsTarget(
  t: HostMetricsTarget | undefined,
): pulumi.Output<ResolvedMetricsTarget | undefined> {
  if (!t) return pulumi.output(undefined);
  return pulumi
    .all([t.url, t.credentialsSecretArn, t.caSecretArn])
    .apply(([url, credentialsSecretArn, caSecretArn]) => ({
      url,
      database: t.database,
      username: t.username,
      credentialsSecretArn,
      caSecretArn,
    }));
}

/** The host metrics every host sends besides its own service's. */
export const BASE_HOST_INPUTS: HostTelegrafInput["inputs"] = [
  { plugin: "cpu", options: { percpu: false, totalcpu: true } },
  { plugin: "mem", options: {} },
  { plugin: "system", options: {} },
  { plugin: "disk", options: { ignore_fs: ["tmpfs", "devtmpfs", "overlay", "squashfs"] } },
  { plugin: "diskio", options: { skip_serial_number: true } },
];

export function renderHostTelegrafConfig(i: HostTelegrafInput): string {
  const config: TelegrafConfig = {
    agent: {
      interval: "10s",
      round_interval: true,
      flush_interval: "10s",
      flush_jitter: "2s",
      omit_hostname: false,
    },
    inputs: [...BASE_HOST_INPUTS, ...i.inputs].map((x) => ({
      plugin: x.plugin,
      options: { ...x.options, tags: { role: i.role } },
    })),
    outputs: [
      {
        plugin: "influxdb",
        options: {
          urls: [i.influx.url],
          database: i.influx.database,
          username: i.influx.username,
          password: "${INFLUX_PASSWORD}",
          skip_database_creation: true,
          timeout: "5s",
          content_encoding: "gzip",
          ...(i.influx.caSecretArn
            ? { tls_ca: `${TELEGRAF_HOST.tlsDir}/${TELEGRAF_HOST.influxCaFile}` }
            : {}),
        },
      },
    ],
  };
  return renderTelegrafConfig(config);
}

export function hostTelegraf(i: HostTelegrafInput): CloudConfigPart {
  const secrets = [
    { arn: i.credentialsSecretArn, envFile: TELEGRAF_HOST.envFile },
    ...(i.serviceCredentials
      ? [{ arn: i.serviceCredentials.secretArn, envFile: i.serviceCredentials.envFile }]
      : []),
  ];
  // CA certificates for Telegraf's own user (tls_ca is read by Telegraf, not by systemd).
  const caFetches = [
    ...(i.influx.caSecretArn ? [i.influx.caSecretArn] : []),
    ...(i.inputCaSecretArns ?? []),
  ].map((arn) => ({ arn, directory: TELEGRAF_HOST.tlsDir, owner: i.runAs ?? TELEGRAF_HOST.user }));
  const credentials = renderUnit(
    fetchSecretsUnit(
      TELEGRAF_HOST.credentialsUnit,
      "Fetch Telegraf's InfluxDB credentials from Secrets Manager",
      [...secrets.map((c) => c.arn), ...caFetches],
      TELEGRAF_HOST.secretsDir,
    ),
  );
  // A drop-in on the package's unit: credentials first, loaded by systemd (as root) from the
  // 0600 file, so the telegraf user never reads the file itself.
  const dropIn = renderUnit({
    name: "switchyard.conf",
    sections: [
      [
        "Unit",
        [
          ["Requires", TELEGRAF_HOST.credentialsUnit],
          ["After", TELEGRAF_HOST.credentialsUnit],
        ],
      ],
      [
        "Service",
        [
          ...secrets.map((c) => ["EnvironmentFile", `${TELEGRAF_HOST.secretsDir}/${c.envFile}`] as const),
          ...(i.runAs ? ([["User", i.runAs] as const, ["Group", i.runAs] as const] as const) : []),
        ],
      ],
    ],
  });
  return {
    yumRepos: {
      influxdata: {
        name: "InfluxData stable",
        baseurl: INFLUXDATA_REPO.baseurl,
        enabled: true,
        gpgcheck: true,
        gpgkey: INFLUXDATA_REPO.gpgkey,
      },
    },
    packages: ["telegraf"],
    writeFiles: [
      // After the package: it ships its own telegraf.conf, which this one replaces.
      {
        path: TELEGRAF_HOST.config,
        content: renderHostTelegrafConfig(i),
        permissions: "0644",
        owner: "root:root",
        defer: true,
      },
      {
        path: `/etc/systemd/system/${TELEGRAF_HOST.credentialsUnit}`,
        content: credentials,
        permissions: "0644",
        owner: "root:root",
      },
      { path: TELEGRAF_HOST.dropIn, content: dropIn, permissions: "0644", owner: "root:root" },
    ],
    runcmd: [
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "telegraf.service"],
      ["systemctl", "restart", "telegraf.service"],
    ],
  };
}

/** The instance-role statement a host with Telegraf needs: read its credentials and InfluxDB's CA. */
export function telegrafCredentialsStatement(target: HostMetricsTarget): Record<string, unknown> {
  return {
    Effect: "Allow",
    Action: "secretsmanager:GetSecretValue",
    Resource: [target.credentialsSecretArn, target.caSecretArn],
  };
}

/**
 * The same Telegraf as a HostAgent, for hosts whose renderer takes extra agents
 * (withHostAgents: the database members).
 */
export function telegrafHostAgent(i: HostTelegrafInput): HostAgent {
  const part = hostTelegraf(i);
  return {
    name: "telegraf",
    yumRepos: part.yumRepos,
    packages: part.packages,
    writeFiles: part.writeFiles,
    units: [],
    runcmd: part.runcmd,
    enable: [],
  };
}
