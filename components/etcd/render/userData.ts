/**
 * The cloud-init document of one etcd member. Holds identities (names, ARNs, volume id) and
 * configuration only: the member's key and certificates come from Secrets Manager at boot.
 */
import {
  renderCloudConfig,
  unitFile,
  withHostAgents,
  withParts,
  type CloudConfig,
} from "../../common/host/cloudInit";
import { hostFluentBit, type ResolvedLogsTarget } from "../../common/host/fluentBit";
import { hostTelegraf, type HostTelegrafInput, type ResolvedMetricsTarget } from "../../common/host/telegraf";
import { FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT } from "../../common/host/secretFiles";
import type { EtcdRelease } from "../releases";
import { renderEtcdEnvironment, type EtcdConfigInput } from "./config";
import { ETCD_HOST } from "./layout";
import { etcdIdentities } from "../access";
import {
  renderAuthBootstrapScript,
  renderBackupScript,
  renderEtcdPrepareDataScript,
  renderInstallScript,
} from "./scripts";
import { etcdUnits } from "./units";

export interface MemberUserDataInput {
  /** Fully qualified DNS name of the member (its hostname). */
  fqdn: string;
  release: EtcdRelease;
  config: EtcdConfigInput;
  volumeId: string;
  tlsSecretArn: string;
  /** Secret of the backup identity (snapshots and the role bootstrap). */
  backupSecretArn: string;
  backup: { bucket: string; schedule: string };
  /** Where this member's Telegraf writes; none: no Telegraf. */
  metrics?: ResolvedMetricsTarget;
  /** Where this member's Fluent Bit ships its journal; none: no shipping. */
  logs?: ResolvedLogsTarget;
}

/** The units whose journal an etcd member ships (cloud-final: the boot itself). */
export const ETCD_LOG_UNITS = [
  "etcd.service",
  "etcd-auth.service",
  "etcd-backup.service",
  "etcd-data.service",
  "etcd-tls.service",
  "cloud-final.service",
];

/** etcd's own metrics, from its plain-HTTP loopback listener. */
export function etcdTelegrafInputs(): HostTelegrafInput["inputs"] {
  return [
    {
      plugin: "prometheus",
      options: { urls: [`${ETCD_HOST.metricsUrl}/metrics`], metric_version: 2, name_override: "etcd" },
    },
  ];
}

export function renderMemberUserData(m: MemberUserDataInput): string {
  const script = (path: string, content: string) => ({
    path,
    content,
    permissions: "0755",
    owner: "root:root",
  });
  const doc: CloudConfig = {
    hostname: m.fqdn,
    users: [
      {
        name: ETCD_HOST.user,
        system: true,
        shell: "/sbin/nologin",
        homedir: ETCD_HOST.mountPoint,
        noCreateHome: true,
      },
    ],
    writeFiles: [
      script(FETCH_SECRET_FILES_PATH, FETCH_SECRET_FILES_SCRIPT),
      script(ETCD_HOST.installScript, renderInstallScript(m.release)),
      script(ETCD_HOST.prepareDataScript, renderEtcdPrepareDataScript()),
      script(
        ETCD_HOST.backupScript,
        renderBackupScript({ bucket: m.backup.bucket, prefix: m.config.self.name }),
      ),
      script(ETCD_HOST.authBootstrapScript, renderAuthBootstrapScript(etcdIdentities())),
      {
        path: ETCD_HOST.environmentFile,
        content: renderEtcdEnvironment(m.config),
        permissions: "0644",
        owner: "root:root",
      },
      ...etcdUnits({
        volumeId: m.volumeId,
        tlsSecretArn: m.tlsSecretArn,
        backupSecretArn: m.backupSecretArn,
        backupSchedule: m.backup.schedule,
      }).map(unitFile),
    ],
    runcmd: [
      [ETCD_HOST.installScript],
      ["systemctl", "daemon-reload"],
      ["systemctl", "enable", "--now", "etcd.service", "etcd-auth.service", "etcd-backup.timer"],
    ],
  };
  const parts = m.metrics
    ? [
        hostTelegraf({
          role: "etcd",
          inputs: etcdTelegrafInputs(),
          influx: m.metrics,
          credentialsSecretArn: m.metrics.credentialsSecretArn,
        }),
      ]
    : [];
  const agents = m.logs ? [hostFluentBit({ role: "etcd", units: ETCD_LOG_UNITS, target: m.logs })] : [];
  return renderCloudConfig(withHostAgents(withParts(doc, ...parts), agents));
}
