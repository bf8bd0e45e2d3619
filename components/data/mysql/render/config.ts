/**
 * The server configuration of one member (an option file read with --defaults-file, nothing
 * else). Pure: the component renders it with the host's paths, the MariaDB test with loopback
 * ports and temporary directories, so the test runs the file the hosts run.
 *
 * Every member starts read-only; the bootstrap lifts it on the primary only, after checking that
 * the member is not replicating. A former primary that reboots after a failover therefore never
 * takes a write (docs/databases.md, "Promoting a replica").
 */
import type { MysqlEngine } from "./dialect";

export interface MysqlConfigInput {
  engine: MysqlEngine;
  /** Unique per member, never reused (the member index + 1: 0 is not allowed as a source). */
  serverId: number;
  port: number;
  bindAddress: string;
  dataDir: string;
  socket: string;
  pidFile: string;
  tls: { caFile: string; certFile: string; keyFile: string };
  /** OS account the server runs as. */
  user: string;
}

type Setting = [key: string, value: string | number];

function engineSettings(engine: MysqlEngine): Setting[] {
  if (engine === "mysql")
    return [
      ["gtid_mode", "ON"],
      ["enforce_gtid_consistency", "ON"],
      ["log_replica_updates", "ON"],
      ["super_read_only", "ON"],
      ["innodb_redo_log_capacity", "2G"],
      // root@localhost authenticates by its OS account (see scripts.ts): no root password exists.
      ["plugin_load_add", "auth_socket.so"],
    ];
  return [
    // MariaDB always writes GTIDs; strict mode refuses an out-of-order (errant) transaction.
    ["gtid_strict_mode", "ON"],
    ["gtid_domain_id", 0],
    ["log_slave_updates", "ON"],
    ["binlog_format", "ROW"],
    ["innodb_log_file_size", "1G"],
  ];
}

export function mysqlSettings(c: MysqlConfigInput): Setting[] {
  if (!Number.isInteger(c.serverId) || c.serverId < 1)
    throw new Error(`server_id must be >= 1, got ${c.serverId}`);
  return [
    ["user", c.user],
    ["datadir", c.dataDir],
    ["socket", c.socket],
    ["pid_file", c.pidFile],
    ["port", c.port],
    ["bind_address", c.bindAddress],
    ["server_id", c.serverId],
    ["skip_name_resolve", "ON"],
    ["character_set_server", "utf8mb4"],
    // Replication: binary log in the data directory, crash-safe relay log, durable commits.
    ["log_bin", "binlog"],
    ["relay_log", "relay-bin"],
    ["relay_log_recovery", "ON"],
    ["sync_binlog", 1],
    ["innodb_flush_log_at_trx_commit", 1],
    ["binlog_expire_logs_seconds", 7 * 24 * 3600],
    ["read_only", "ON"],
    ...engineSettings(c.engine),
    // TLS for every TCP client, replication included; the socket stays for local root.
    ["require_secure_transport", "ON"],
    ["ssl_ca", c.tls.caFile],
    ["ssl_cert", c.tls.certFile],
    ["ssl_key", c.tls.keyFile],
    ["tls_version", "TLSv1.2,TLSv1.3"],
    ["innodb_flush_method", "O_DIRECT"],
    ["max_connections", 500],
  ];
}

/** The option file. Values never need quoting; anything that would is refused. */
export function renderMysqlConfig(c: MysqlConfigInput): string {
  const lines = mysqlSettings(c).map(([k, v]) => {
    if (!/^[A-Za-z0-9_./:,+-]+$/.test(String(v)))
      throw new Error(`unsafe value for ${k}: ${JSON.stringify(v)}`);
    return `${k} = ${v}`;
  });
  return `# Rendered by switchyard (components/data/mysql); the server reads only this file.\n[mysqld]\n${lines.join("\n")}\n`;
}
