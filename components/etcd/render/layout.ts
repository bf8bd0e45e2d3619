/** Where things live on an etcd member. One table, shared by the config, units and scripts. */
import { ETCD_CLIENT_PORT } from "../../../model/ports";
export const ETCD_HOST = {
  user: "etcd",
  binDir: "/usr/local/bin",
  etcd: "/usr/local/bin/etcd",
  etcdctl: "/usr/local/bin/etcdctl",
  /** The member's settings as ETCD_* variables (see render/config.ts for why not YAML). */
  environmentFile: "/etc/etcd/etcd.env",
  pkiDir: "/etc/etcd/pki",
  /** The backup identity's certificate (root role): snapshots and the role bootstrap. */
  backupPkiDir: "/etc/etcd/backup-pki",
  /** The data volume's mount point; etcd's data directory lives one level down (no lost+found). */
  mountPoint: "/var/lib/etcd",
  dataDir: "/var/lib/etcd/data",
  installScript: "/usr/local/sbin/etcd-install",
  prepareDataScript: "/usr/local/sbin/etcd-prepare-data",
  backupScript: "/usr/local/sbin/etcd-backup",
  authBootstrapScript: "/usr/local/sbin/etcd-auth-bootstrap",
  /** The member's own client listener, for its scripts (the certificate has a 127.0.0.1 SAN). */
  localClientUrl: `https://127.0.0.1:${ETCD_CLIENT_PORT}`,
  /**
   * Plain-HTTP listener serving /metrics and /health only (no key space, no client certificate),
   * on loopback for the local Telegraf.
   */
  metricsUrl: "http://127.0.0.1:2381",
} as const;

/** Files the TLS secret of every member (and of the client) holds; PEM text each. */
export { TLS_FILES } from "../../common/host/secretFiles";

/** Common name of member certificates; peers accept only this CN, so a client cert cannot join. */
export const MEMBER_CN = "etcd-member";
