/**
 * InfluxDB's configuration and its setup: databases with a default retention policy, and one
 * user per writer/reader with exactly its grants. The setup is a shell script run with the influx
 * CLI by a Job; passwords arrive as environment variables from a Secret, never in the script.
 */
import { stringify } from "smol-toml";
import { DATABASES, INFLUX_USERS, RETENTION_POLICY, type InfluxUser } from "../layout";

export interface InfluxConfigInput {
  /** Root of meta/, data/ and wal/ (the volume's mount point). */
  dataRoot: string;
  httpBind: string;
  /** The backup/restore RPC service; loopback only. */
  rpcBind: string;
  /** PEM files of the serving certificate and its key: the HTTP API is HTTPS only. */
  https: { certificate: string; privateKey: string };
}

export function renderInfluxConfig(i: InfluxConfigInput): string {
  return `${stringify({
    // InfluxDB 1.x reports usage to its vendor unless told not to.
    "reporting-disabled": true,
    "bind-address": i.rpcBind,
    meta: { dir: `${i.dataRoot}/meta` },
    data: {
      dir: `${i.dataRoot}/data`,
      "wal-dir": `${i.dataRoot}/wal`,
      "index-version": "tsi1",
      "query-log-enabled": false,
    },
    http: {
      enabled: true,
      "bind-address": i.httpBind,
      "auth-enabled": true,
      // One listener, TLS only: a plain-HTTP request gets no answer.
      "https-enabled": true,
      "https-certificate": i.https.certificate,
      "https-private-key": i.https.privateKey,
      "log-enabled": false,
      "max-body-size": 25_000_000,
    },
  })}\n`;
}

/** Environment variable that carries a user's password into the setup Job. */
export const passwordEnv = (user: InfluxUser): string => `INFLUX_${user.toUpperCase()}_PASSWORD`;

/**
 * Idempotent: run after every change. The first admin is created without credentials (InfluxDB
 * allows exactly that while no user exists); a user that exists gets its password reset, so a
 * rotated secret takes effect; grants are revoked and re-granted so they are exactly these.
 */
export function renderInfluxSetupScript(input: { retentionDays: number }): string {
  const q = (statement: string) => `q ${shellQuote(statement)}`;
  const lines = [
    "#!/bin/sh",
    "# Usage: influx-setup (INFLUX_HOST, INFLUX_PORT and INFLUX_*_PASSWORD in the environment;",
    "# SSL_CERT_FILE names InfluxDB's CA, the only one the CLI trusts).",
    "set -eu",
    'cli() { influx -ssl -host "$INFLUX_HOST" -port "$INFLUX_PORT" "$@"; }',
    'q() { cli -username admin -password "$INFLUX_ADMIN_PASSWORD" -execute "$1"; }',
    "tries=0",
    // Any answer from the server (even "authorization failed") means it is up.
    "while cli -execute 'SHOW DATABASES' 2>&1 | grep -q 'Failed to connect'; do",
    '  tries=$((tries + 1)); [ "$tries" -ge 90 ] && { echo "InfluxDB is not answering" >&2; exit 1; }',
    "  sleep 2",
    "done",
    `cli -execute "CREATE USER admin WITH PASSWORD '$INFLUX_ADMIN_PASSWORD' WITH ALL PRIVILEGES" >/dev/null 2>&1 || true`,
    "q 'SHOW USERS' >/dev/null",
  ];
  for (const db of Object.values(DATABASES)) {
    const rp = `"${RETENTION_POLICY}" ON "${db}" DURATION ${input.retentionDays}d REPLICATION 1 SHARD DURATION 1d DEFAULT`;
    lines.push(q(`CREATE DATABASE "${db}"`));
    lines.push(
      `${q(`CREATE RETENTION POLICY ${rp}`)} >/dev/null 2>&1 || ${q(`ALTER RETENTION POLICY ${rp}`)}`,
    );
  }
  for (const [key, user] of Object.entries(INFLUX_USERS)) {
    if (user.grants === "all") continue;
    const env = passwordEnv(key as InfluxUser);
    lines.push(
      `q "CREATE USER \\"${user.name}\\" WITH PASSWORD '$${env}'" >/dev/null 2>&1 || q "SET PASSWORD FOR \\"${user.name}\\" = '$${env}'"`,
    );
    for (const db of Object.values(DATABASES)) lines.push(q(`REVOKE ALL ON "${db}" FROM "${user.name}"`));
    for (const [privilege, db] of user.grants)
      lines.push(q(`GRANT ${privilege} ON "${db}" TO "${user.name}"`));
  }
  lines.push('echo "InfluxDB databases, retention and users are set"');
  return `${lines.join("\n")}\n`;
}

function shellQuote(s: string): string {
  return `'${s.replaceAll("'", `'"'"'`)}'`;
}
