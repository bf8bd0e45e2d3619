/** Where things live on an etcd member. One table, shared by the config, units and scripts. */
export const ETCD_HOST = {
  user: "etcd",
  binDir: "/usr/local/bin",
  etcd: "/usr/local/bin/etcd",
  etcdctl: "/usr/local/bin/etcdctl",
  /** The member's settings as ETCD_* variables (see render/config.ts for why not YAML). */
  environmentFile: "/etc/etcd/etcd.env",
  pkiDir: "/etc/etcd/pki",
  /** The data volume's mount point; etcd's data directory lives one level down (no lost+found). */
  mountPoint: "/var/lib/etcd",
  dataDir: "/var/lib/etcd/data",
  installScript: "/usr/local/sbin/etcd-install",
  prepareDataScript: "/usr/local/sbin/etcd-prepare-data",
  backupScript: "/usr/local/sbin/etcd-backup",
  /** Plain-HTTP metrics and /health on loopback only, for the local Telegraf. */
  metricsUrl: "http://127.0.0.1:2381",
} as const;

/** Files the TLS secret of every member (and of the client) holds; PEM text each. */
export { TLS_FILES } from "../../common/host/secretFiles";

/** Common name of member certificates; peers accept only this CN, so a client cert cannot join. */
export const MEMBER_CN = "etcd-member";
export const CLIENT_CN = "switchyard-client";
