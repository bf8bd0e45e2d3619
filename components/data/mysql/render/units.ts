/**
 * systemd units of a MySQL/MariaDB member: data volume, TLS and credentials from Secrets Manager,
 * the primary's name from SSM, the server itself (our unit, not the vendor's: it reads only our
 * option file and never starts on the root disk) and the bootstrap.
 */
import { FETCH_SECRET_FILES_PATH } from "../../../common/host/secretFiles";
import { hardening, type UnitFile } from "../../../common/host/systemd";
import { dialectOf, type MysqlEngine } from "./dialect";
import { MYSQL_HOST } from "./layout";

export interface MysqlUnitsInput {
  engine: MysqlEngine;
  volumeId: string;
  tlsSecretArn: string;
  credentialsSecretArn: string;
  primaryParameter: string;
}

export const MYSQL_SERVICE = "switchyard-mysql.service";
export const MYSQL_BOOTSTRAP_SERVICE = "mysql-bootstrap.service";

const NETWORK = [
  ["Wants", "network-online.target"],
  ["After", "network-online.target"],
] as const;

function oneshot(
  name: string,
  description: string,
  exec: string,
  unit: UnitFile["sections"][number][1] = NETWORK,
): UnitFile {
  return {
    name,
    sections: [
      ["Unit", [["Description", description], ...unit]],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["RemainAfterExit", true],
          ["ExecStart", exec],
          ["TimeoutStartSec", "15min"],
        ],
      ],
    ],
  };
}

export function mysqlUnits(input: MysqlUnitsInput): UnitFile[] {
  const d = dialectOf(input.engine);
  const data = oneshot(
    "mysql-data.service",
    "Mount the database data volume",
    `${MYSQL_HOST.prepareDataScript} ${input.volumeId}`,
    [
      ["DefaultDependencies", "no"],
      ["After", "local-fs.target"],
    ],
  );
  const tls = oneshot(
    "mysql-tls.service",
    "Fetch the database server certificate and key from Secrets Manager",
    `${FETCH_SECRET_FILES_PATH} ${input.tlsSecretArn} ${MYSQL_HOST.pkiDir} ${MYSQL_HOST.user}`,
  );
  const credentials = oneshot(
    "mysql-credentials.service",
    "Fetch the database account credentials from Secrets Manager",
    `${FETCH_SECRET_FILES_PATH} ${input.credentialsSecretArn} ${MYSQL_HOST.credentialsDir} root`,
  );
  const primary = oneshot(
    "mysql-primary.service",
    "Read which member is the primary from SSM",
    `${MYSQL_HOST.primaryScript} ${input.primaryParameter}`,
  );
  const server: UnitFile = {
    name: MYSQL_SERVICE,
    sections: [
      [
        "Unit",
        [
          ["Description", `${input.engine} server (switchyard database member)`],
          ["Requires", "mysql-data.service mysql-tls.service"],
          ["After", "mysql-data.service mysql-tls.service network-online.target"],
          ["Wants", "network-online.target"],
        ],
      ],
      [
        "Service",
        [
          ["Type", "notify"],
          ["User", MYSQL_HOST.user],
          ["Group", MYSQL_HOST.user],
          ["RuntimeDirectory", "mysqld"],
          // Root part ('+'): sizing reads the host's memory and writes under /run.
          ["ExecStartPre", `+${MYSQL_HOST.sizingScript}`],
          ["ExecStartPre", `${MYSQL_HOST.initScript} ${MYSQL_HOST.configFile}`],
          ["EnvironmentFile", MYSQL_HOST.sizingFile],
          [
            "ExecStart",
            `${d.server} --defaults-file=${MYSQL_HOST.configFile} --innodb-buffer-pool-size=\${BUFFER_POOL_SIZE}`,
          ],
          ["Restart", "on-failure"],
          ["RestartSec", "5s"],
          ["LimitNOFILE", 65536],
          // Crash recovery of a large buffer pool can take a while; never kill it half-way.
          ["TimeoutStartSec", "30min"],
          ["TimeoutStopSec", "30min"],
          ...hardening([MYSQL_HOST.mountPoint]),
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  const bootstrap: UnitFile = {
    name: MYSQL_BOOTSTRAP_SERVICE,
    sections: [
      [
        "Unit",
        [
          ["Description", "Bring the database member to its wanted state (check, then act)"],
          ["Requires", `${MYSQL_SERVICE} mysql-credentials.service mysql-primary.service`],
          ["After", `${MYSQL_SERVICE} mysql-credentials.service mysql-primary.service`],
        ],
      ],
      [
        "Service",
        [
          ["Type", "oneshot"],
          ["ExecStart", `${MYSQL_HOST.bootstrapScript} ${MYSQL_HOST.bootstrapEnv}`],
          // A replica waits up to PRIMARY_WAIT_SECONDS for its primary, then systemd tries again.
          ["TimeoutStartSec", "45min"],
          ["Restart", "on-failure"],
          ["RestartSec", "30s"],
        ],
      ],
      ["Install", [["WantedBy", "multi-user.target"]]],
    ],
  };
  return [data, tls, credentials, primary, server, bootstrap];
}
