/** Where things live on a MySQL/MariaDB host. One table, shared by config, units and scripts. */
export const MYSQL_HOST = {
  user: "mysql",
  /** The data volume's mount point; the server's data directory lives one level down. */
  mountPoint: "/var/lib/mysql-data",
  dataDir: "/var/lib/mysql-data/db",
  /** Our own server configuration, the only file the server reads (--defaults-file). */
  configFile: "/etc/switchyard/mysql/my.cnf",
  socket: "/run/mysqld/mysqld.sock",
  pidFile: "/run/mysqld/mysqld.pid",
  /** Server certificate, key and the CA that signs every member (fetched at boot). */
  pkiDir: "/etc/switchyard/mysql/tls",
  /** One file per credential (replication, app, monitor), root-only, fetched at boot. */
  credentialsDir: "/etc/switchyard/mysql/credentials",
  bootstrapScript: "/usr/local/sbin/mysql-bootstrap",
  bootstrapEnv: "/etc/switchyard/mysql/bootstrap.env",
  installScript: "/usr/local/sbin/mysql-install",
  initScript: "/usr/local/sbin/mysql-init-datadir",
  prepareDataScript: "/usr/local/sbin/mysql-prepare-data",
  primaryScript: "/usr/local/sbin/mysql-resolve-primary",
  sizingScript: "/usr/local/sbin/mysql-size-buffer-pool",
  /** `host:port` of the current primary, written at every boot from the SSM parameter. */
  primaryFile: "/run/switchyard/mysql-primary",
  /** Buffer-pool size computed from the host's memory at boot (a systemd EnvironmentFile). */
  sizingFile: "/run/switchyard/mysql-sizing.env",
} as const;

export { MYSQL_PORT } from "../../../../model/ports";

/** Accounts the bootstrap creates on the primary (and that replicate to every replica). */
export const MYSQL_USERS = {
  replication: "replication",
  /** Read-only metrics account for the host's monitoring agent (Telegraf inputs.mysql). */
  monitor: "monitor",
} as const;

/** Keys of the credentials secret; each becomes one file in credentialsDir. */
export const MYSQL_CREDENTIALS = ["replication", "app", "monitor"] as const;
export type MysqlCredential = (typeof MYSQL_CREDENTIALS)[number];
