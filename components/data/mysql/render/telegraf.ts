/**
 * Telegraf inputs of a MySQL/MariaDB host, for the shared host Telegraf (common/host/telegraf).
 * Replica status needs `gather_replica_status` (MySQL 8.4 has no SHOW SLAVE STATUS); MariaDB's
 * `SHOW ALL REPLICAS STATUS` needs `mariadb_dialect`. The monitoring user's password is an
 * environment reference, loaded by systemd from the credentials file like InfluxDB's.
 */
import type { HostTelegrafInput } from "../../../common/host/telegraf";
import { MYSQL_HOST } from "./layout";

export const MYSQL_MONITOR_PASSWORD_ENV = "MYSQL_MONITOR_PASSWORD";

export function mysqlTelegrafInputs(input: { user: string; mariadb: boolean }): HostTelegrafInput["inputs"] {
  return [
    {
      plugin: "mysql",
      options: {
        servers: [`${input.user}:\${${MYSQL_MONITOR_PASSWORD_ENV}}@unix(${MYSQL_HOST.socket})/`],
        metric_version: 2,
        gather_replica_status: true,
        mariadb_dialect: input.mariadb,
        gather_global_variables: true,
      },
    },
  ];
}
