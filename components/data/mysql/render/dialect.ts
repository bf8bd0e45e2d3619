/**
 * What differs between the two engines, in one place. MySQL 8.4 removed CHANGE MASTER, START/STOP
 * SLAVE, SHOW SLAVE STATUS and SHOW MASTER STATUS (and the MASTER_* options): its statements
 * here are CHANGE REPLICATION SOURCE TO ... SOURCE_AUTO_POSITION=1 with SOURCE_SSL=1. MariaDB keeps
 * CHANGE MASTER TO with its own GTID (MASTER_USE_GTID=slave_pos); both accept START/STOP REPLICA
 * and SHOW REPLICA STATUS.
 */
export type MysqlEngine = "mysql" | "mariadb";

export interface SourceSpec {
  /** Shell expressions (the bootstrap substitutes them at run time). */
  host: string;
  port: string;
  user: string;
  password: string;
  caFile: string;
}

export interface Dialect {
  engine: MysqlEngine;
  /** Server and client programs the package installs. */
  server: string;
  client: string;
  /** Client flags that demand TLS and verify the server against the CA (file given after). */
  clientTlsFlags: (caFile: string) => string;
  /** Column names of SHOW REPLICA STATUS. */
  status: {
    host: string;
    port: string;
    user: string;
    ioRunning: string;
    sqlRunning: string;
    ssl: string;
    /** Column and value that say the replica positions by GTID. */
    gtid: [column: string, value: string];
  };
  /** Variables that make a server read-only, in the order they must be switched on. */
  readOnlyVariables: readonly string[];
  changeSource: (s: SourceSpec) => string;
  /** Privileges of the metrics account (process list, replica status). */
  monitorPrivileges: string;
}

const MYSQL: Dialect = {
  engine: "mysql",
  server: "/usr/sbin/mysqld",
  client: "/usr/bin/mysql",
  clientTlsFlags: (ca) => `--ssl-mode=VERIFY_CA --ssl-ca=${ca}`,
  status: {
    host: "Source_Host",
    port: "Source_Port",
    user: "Source_User",
    ioRunning: "Replica_IO_Running",
    sqlRunning: "Replica_SQL_Running",
    ssl: "Source_SSL_Allowed",
    gtid: ["Auto_Position", "1"],
  },
  // super_read_only implies read_only; switching it off leaves read_only on, so both are listed.
  readOnlyVariables: ["read_only", "super_read_only"],
  changeSource: (s) =>
    `CHANGE REPLICATION SOURCE TO SOURCE_HOST='${s.host}', SOURCE_PORT=${s.port}, ` +
    `SOURCE_USER='${s.user}', SOURCE_PASSWORD='${s.password}', SOURCE_AUTO_POSITION=1, ` +
    `SOURCE_SSL=1, SOURCE_SSL_CA='${s.caFile}', SOURCE_SSL_VERIFY_SERVER_CERT=1, SOURCE_CONNECT_RETRY=10`,
  monitorPrivileges: "PROCESS, REPLICATION CLIENT",
};

const MARIADB: Dialect = {
  engine: "mariadb",
  server: "/usr/sbin/mariadbd",
  client: "/usr/bin/mariadb",
  clientTlsFlags: (ca) => `--ssl --ssl-ca=${ca} --ssl-verify-server-cert`,
  status: {
    host: "Master_Host",
    port: "Master_Port",
    user: "Master_User",
    ioRunning: "Slave_IO_Running",
    sqlRunning: "Slave_SQL_Running",
    ssl: "Master_SSL_Allowed",
    gtid: ["Using_Gtid", "Slave_Pos"],
  },
  // MariaDB has no super_read_only: read_only refuses every account without READ_ONLY ADMIN.
  readOnlyVariables: ["read_only"],
  changeSource: (s) =>
    `CHANGE MASTER TO MASTER_HOST='${s.host}', MASTER_PORT=${s.port}, ` +
    `MASTER_USER='${s.user}', MASTER_PASSWORD='${s.password}', MASTER_USE_GTID=slave_pos, ` +
    `MASTER_SSL=1, MASTER_SSL_CA='${s.caFile}', MASTER_SSL_VERIFY_SERVER_CERT=1, MASTER_CONNECT_RETRY=10`,
  // BINLOG MONITOR and SLAVE MONITOR split what REPLICATION CLIENT once allowed (MariaDB 10.5+).
  monitorPrivileges: "PROCESS, BINLOG MONITOR, SLAVE MONITOR",
};

export function dialectOf(engine: MysqlEngine): Dialect {
  return engine === "mysql" ? MYSQL : MARIADB;
}
