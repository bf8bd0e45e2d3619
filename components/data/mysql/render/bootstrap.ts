/**
 * The bootstrap program of a MySQL/MariaDB member: a bash script run by systemd after the server
 * starts, at every boot. Bash and the engine's own client because that is all a fresh host has
 * (no Node, no Python client library) and the same text runs on Amazon Linux and in the MariaDB
 * test here. It checks, then acts: it reads the live state (SHOW REPLICA STATUS, the accounts,
 * the read-only flags), changes only what differs from the wanted state and reports each change,
 * so running it twice, after a reboot or on a replaced instance changes nothing more.
 *
 * Secrets never pass through it as arguments or output: passwords are read from the files
 * fetch-secret-files wrote (from Secrets Manager), reach the client in a 0600 option file or on
 * stdin, and must be letters and digits so they need no quoting.
 */
import { dialectOf, type MysqlEngine } from "./dialect";
import { MYSQL_USERS } from "./layout";

export interface BootstrapEnvInput {
  /** How the other members and clients name this member (its DNS name, or 127.0.0.1 in tests). */
  selfHost: string;
  selfPort: number;
  socket: string;
  /** File holding `host:port` of the primary; the primary is the member it names. */
  primaryFile: string;
  credentialsDir: string;
  caFile: string;
  database: string;
  appUser: string;
  /** How long a replica waits for its primary before failing (systemd then retries); 0 = forever. */
  primaryWaitSeconds: number;
  /** Seconds between attempts to reach the primary. */
  pollSeconds: number;
}

/** The per-member settings file the script sources; no secrets, only names and paths. */
export function renderBootstrapEnv(e: BootstrapEnvInput): string {
  const entries: [string, string | number][] = [
    ["SELF_HOST", e.selfHost],
    ["SELF_PORT", e.selfPort],
    ["SOCKET", e.socket],
    ["PRIMARY_FILE", e.primaryFile],
    ["CREDENTIALS_DIR", e.credentialsDir],
    ["TLS_CA", e.caFile],
    ["APP_DATABASE", e.database],
    ["APP_USER", e.appUser],
    ["PRIMARY_WAIT_SECONDS", e.primaryWaitSeconds],
    ["POLL_SECONDS", e.pollSeconds],
  ];
  return (
    entries
      .map(([k, v]) => {
        if (!/^[A-Za-z0-9_./:-]+$/.test(String(v)))
          throw new Error(`unsafe value for ${k}: ${JSON.stringify(v)}`);
        return `${k}=${v}`;
      })
      .join("\n") + "\n"
  );
}

export function renderBootstrapScript(engine: MysqlEngine): string {
  const d = dialectOf(engine);
  const s = d.status;
  const on = d.readOnlyVariables.join(" ");
  const off = [...d.readOnlyVariables].reverse().join(" ");
  const change = d.changeSource({
    host: "$primary_host",
    port: "$primary_port",
    user: MYSQL_USERS.replication,
    password: "$replication_secret",
    caFile: "$TLS_CA",
  });
  return `#!/bin/bash
# Switchyard ${engine} member bootstrap (components/data/mysql/render/bootstrap.ts).
# Check, then act: safe at every boot and when run twice. usage: mysql-bootstrap [env-file]
set -euo pipefail
umask 077
# shellcheck source=/dev/null
. "\${1:-/etc/switchyard/mysql/bootstrap.env}"
CLIENT=${d.client}
changes=0
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

log() { echo "mysql-bootstrap: $*"; }
fail() {
  log "error: $*" >&2
  exit 1
}
changed() {
  changes=$((changes + 1))
  log "change: $*"
}

# Local administration as root over the socket (unix_socket / auth_socket: no password).
root_client() { "$CLIENT" --no-defaults --protocol=socket --socket="$SOCKET" --user=root --batch "$@"; }
local_sql() { root_client --skip-column-names "$@"; }

credential() {
  local file="$CREDENTIALS_DIR/$1" value
  [ -s "$file" ] || fail "credential file $file is missing or empty"
  value="$(cat "$file")"
  [[ "$value" =~ ^[A-Za-z0-9]{16,128}$ ]] || fail "credential $1 must be 16-128 letters and digits"
  printf '%s' "$value"
}

# can_login <account> <credential> <host> <port>: a TLS login (server verified against the CA) works.
can_login() {
  local cnf="$tmp/$1.cnf"
  printf '[client]\\n%s=%s\\n' password "$(credential "$2")" >"$cnf"
  "$CLIENT" --defaults-extra-file="$cnf" ${d.clientTlsFlags("$TLS_CA")} --host="$3" --port="$4" \\
    --user="$1" --connect-timeout=5 --batch --skip-column-names -e 'SELECT 1' >/dev/null 2>"$tmp/login.err"
}

wait_local() {
  local i
  for i in $(seq 1 300); do
    local_sql -e 'SELECT 1' >/dev/null 2>&1 && return 0
    sleep 1
  done
  fail "the local server does not answer on $SOCKET"
}

# ensure_read_only <0|1>: the variables in the order that switching them needs.
ensure_read_only() {
  local want="$1" vars v
  if [ "$want" = 1 ]; then vars="${on}"; else vars="${off}"; fi
  for v in $vars; do
    if [ "$(local_sql -e "SELECT @@GLOBAL.$v")" != "$want" ]; then
      local_sql -e "SET GLOBAL $v = $want"
      changed "$v = $want"
    fi
  done
}

ensure_database() {
  if [ "$(local_sql -e "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = '$APP_DATABASE'")" = 0 ]; then
    local_sql -e "CREATE DATABASE \\\`$APP_DATABASE\\\` CHARACTER SET utf8mb4"
    changed "database $APP_DATABASE created"
  fi
}

# ensure_account <account> <credential> <grant>: created with its grant when missing; its
# password set again only when a login with the current credential is refused (rotation).
ensure_account() {
  local account="$1" secret count
  secret="$(credential "$2")"
  count="$(local_sql -e "SELECT COUNT(*) FROM mysql.user WHERE User = '$account' AND Host = '%'")"
  if [ "$count" = 0 ]; then
    local_sql <<SQL
CREATE USER '$account'@'%' IDENTIFIED BY '$secret' REQUIRE SSL;
$3;
SQL
    changed "account $account created"
  elif ! can_login "$account" "$2" 127.0.0.1 "$SELF_PORT"; then
    grep -q "Access denied" "$tmp/login.err" || fail "cannot check the account $account: $(head -1 "$tmp/login.err")"
    local_sql <<<"ALTER USER '$account'@'%' IDENTIFIED BY '$secret'"
    changed "account $account: password set to the current credential"
  fi
}

run_primary() {
  if [ -n "$(local_sql -e 'SHOW REPLICA STATUS')" ]; then
    local_sql -e 'STOP REPLICA; RESET REPLICA ALL'
    changed "replication configuration removed: this member is the primary now"
  fi
  ensure_read_only 0
  ensure_database
  ensure_account ${MYSQL_USERS.replication} replication "GRANT REPLICATION SLAVE ON *.* TO '${MYSQL_USERS.replication}'@'%'"
  ensure_account ${MYSQL_USERS.monitor} monitor "GRANT ${d.monitorPrivileges} ON *.* TO '${MYSQL_USERS.monitor}'@'%'"
  ensure_account "$APP_USER" app "GRANT ALL PRIVILEGES ON \\\`$APP_DATABASE\\\`.* TO '$APP_USER'@'%'"
}

# One column of the saved SHOW REPLICA STATUS (empty when replication is not configured).
status_field() {
  awk -v k="$1" '{ line = $0; sub(/^ +/, "", line); n = index(line, ":");
    if (n > 0 && substr(line, 1, n - 1) == k) { v = substr(line, n + 1); sub(/^ /, "", v); print v } }' "$tmp/status"
}

# Vertical output names every column ("Column: value"), which status_field reads.
read_status() { root_client -e 'SHOW REPLICA STATUS\\G' >"$tmp/status"; }

points_at_primary() {
  [ "$(status_field ${s.host})" = "$primary_host" ] && [ "$(status_field ${s.port})" = "$primary_port" ] &&
    [ "$(status_field ${s.user})" = ${MYSQL_USERS.replication} ] && [ "$(status_field ${s.ssl})" = Yes ] &&
    [ "$(status_field ${s.gtid[0]})" = ${s.gtid[1]} ]
}

wait_for_primary() {
  local start=$SECONDS attempt=0
  until can_login ${MYSQL_USERS.replication} replication "$primary_host" "$primary_port"; do
    if [ "$PRIMARY_WAIT_SECONDS" -gt 0 ] && [ $((SECONDS - start)) -ge "$PRIMARY_WAIT_SECONDS" ]; then
      fail "primary $primary_host:$primary_port still unreachable after \${PRIMARY_WAIT_SECONDS}s: $(head -1 "$tmp/login.err")"
    fi
    if [ $((attempt % 12)) = 0 ]; then
      log "waiting for the primary $primary_host:$primary_port to accept the replication account: $(head -1 "$tmp/login.err")"
    fi
    attempt=$((attempt + 1))
    sleep "$POLL_SECONDS"
  done
  [ "$attempt" = 0 ] || log "primary $primary_host:$primary_port reachable after $((SECONDS - start))s"
}

wait_replicating() {
  local i
  for i in $(seq 1 60); do
    read_status
    if [ "$(status_field ${s.ioRunning})" = Yes ] && [ "$(status_field ${s.sqlRunning})" = Yes ]; then
      log "replicating from $primary_host:$primary_port"
      return 0
    fi
    sleep 1
  done
  fail "replication from $primary_host:$primary_port is not running: $(status_field Last_IO_Error) $(status_field Last_SQL_Error)"
}

run_replica() {
  local replication_secret
  ensure_read_only 1
  read_status
  # 1045: the primary refuses the replication password (it was rotated): configure it again.
  if points_at_primary && [ "$(status_field Last_IO_Errno)" != 1045 ]; then
    if [ "$(status_field ${s.ioRunning})" = No ] || [ "$(status_field ${s.sqlRunning})" = No ]; then
      local_sql -e 'START REPLICA'
      changed "replication started"
    fi
  else
    wait_for_primary
    replication_secret="$(credential replication)"
    local_sql <<SQL
STOP REPLICA;
${change};
START REPLICA;
SQL
    changed "replication configured from $primary_host:$primary_port"
  fi
  wait_replicating
}

wait_local
[ -s "$PRIMARY_FILE" ] || fail "$PRIMARY_FILE names no primary"
primary="$(cat "$PRIMARY_FILE")"
primary_host="\${primary%:*}"
primary_port="\${primary##*:}"
[[ "$primary_port" =~ ^[0-9]+$ ]] || fail "$PRIMARY_FILE must hold host:port, got $primary"
if [ "$primary_host" = "$SELF_HOST" ] && [ "$primary_port" = "$SELF_PORT" ]; then
  log "role: primary"
  run_primary
else
  log "role: replica of $primary_host:$primary_port"
  run_replica
fi
log "done: $changes change(s)"
`;
}
