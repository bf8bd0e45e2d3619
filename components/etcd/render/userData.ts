/**
 * The cloud-init document of one etcd member. Holds identities (names, ARNs, volume id) and
 * configuration only: the member's key and certificates come from Secrets Manager at boot.
 */
import { renderCloudConfig, unitFile } from "../../common/host/cloudInit";
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
}

export function renderMemberUserData(m: MemberUserDataInput): string {
  const script = (path: string, content: string) => ({
    path,
    content,
    permissions: "0755",
    owner: "root:root",
  });
  return renderCloudConfig({
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
  });
}
