/** Boot scripts of a MySQL/MariaDB member besides the bootstrap. Pure string rendering. */
import type { MysqlEngine } from "./dialect";

/**
 * Initialises an empty data directory, once: a replaced instance finds its predecessor's data on
 * the volume and keeps it. root@localhost authenticates by the OS account over the socket
 * (auth_socket / unix_socket), so no root password exists anywhere, and nothing secret is logged
 * (`--initialize-insecure` then the ALTER USER: MySQL's plain `--initialize` would log a password).
 */
export function renderInitDatadirScript(engine: MysqlEngine): string {
  const init =
    engine === "mysql"
      ? `init_sql="$(mktemp)"
trap 'rm -f "$init_sql"' EXIT
echo "ALTER USER 'root'@'localhost' IDENTIFIED WITH auth_socket;" >"$init_sql"
chmod 0644 "$init_sql"
/usr/sbin/mysqld --defaults-file="$cfg" --initialize-insecure --init-file="$init_sql"`
      : `mariadb-install-db --defaults-file="$cfg" --auth-root-authentication-method=socket --skip-test-db`;
  return `#!/bin/bash
# usage: mysql-init-datadir <option-file>
set -euo pipefail
cfg="$1"
datadir="$(awk -F' = ' '$1 == "datadir" { print $2 }' "$cfg")"
[ -n "$datadir" ] || { echo "mysql-init-datadir: no datadir in $cfg" >&2; exit 1; }
if [ -d "$datadir/mysql" ]; then
  echo "mysql-init-datadir: $datadir holds a database already; keeping it"
  exit 0
fi
${init}
echo "mysql-init-datadir: initialised $datadir"
`;
}

/**
 * Sizes the buffer pool from the host's memory (70%, in 128 MiB chunks) at every boot, so a new
 * instance type is used fully without a config change.
 */
export function renderSizingScript(sizingFile: string): string {
  return `#!/bin/bash
set -euo pipefail
total_kib="$(awk '/^MemTotal:/ { print $2 }' /proc/meminfo)"
pool_mib=$(( total_kib * 7 / 10 / 1024 / 128 * 128 ))
[ "$pool_mib" -ge 128 ] || pool_mib=128
mkdir -p "$(dirname ${sizingFile})"
echo "BUFFER_POOL_SIZE=\${pool_mib}M" >${sizingFile}
`;
}

/** Writes `host:port` of the primary, named by the stack's SSM parameter, for the bootstrap. */
export function renderResolvePrimaryScript(primaryFile: string): string {
  return `#!/bin/bash
# usage: mysql-resolve-primary <ssm-parameter-name>
set -euo pipefail
name="$1"
for attempt in 1 2 3 4 5 6; do
  if value="$(aws ssm get-parameter --name "$name" --query Parameter.Value --output text)"; then
    break
  fi
  [ "$attempt" = 6 ] && { echo "cannot read $name" >&2; exit 1; }
  sleep $((attempt * 5))
done
[[ "$value" =~ ^[a-z0-9.-]+:[0-9]+$ ]] || { echo "$name holds $value, expected host:port" >&2; exit 1; }
mkdir -p "$(dirname ${primaryFile})"
echo "$value" >${primaryFile}
`;
}
