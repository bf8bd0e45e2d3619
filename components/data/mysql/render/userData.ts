/**
 * The cloud-init document of one MySQL/MariaDB member. Identities (names, ARNs, the volume id)
 * and configuration only: the certificate, key and every password come from Secrets Manager at
 * boot. Extra host agents (metrics, logs) are appended by the caller (withHostAgents).
 */
import { renderCloudConfig, unitFile, withHostAgents, type HostAgent } from "../../../common/host/cloudInit";
import { TLS_FILES } from "../../../common/host/secretFiles";
import { databaseHostFiles, rootFile } from "../../render/hostFiles";
import type { MysqlRelease } from "../releases";
import { renderBootstrapEnv, renderBootstrapScript } from "./bootstrap";
import { renderMysqlConfig } from "./config";
import { MYSQL_HOST, MYSQL_PORT } from "./layout";
import { renderInitDatadirScript, renderResolvePrimaryScript, renderSizingScript } from "./scripts";
import { MYSQL_BOOTSTRAP_SERVICE, MYSQL_SERVICE, mysqlUnits } from "./units";

export interface MysqlMemberUserDataInput {
  fqdn: string;
  serverId: number;
  release: MysqlRelease;
  volumeId: string;
  tlsSecretArn: string;
  credentialsSecretArn: string;
  primaryParameter: string;
  database: string;
  appUser: string;
  hostAgents: readonly HostAgent[];
}

const script = (path: string, content: string) => rootFile(path, content, "0755");
const config = (path: string, content: string) => rootFile(path, content);

export function renderMysqlMemberUserData(m: MysqlMemberUserDataInput): string {
  const engine = m.release.engine;
  const pki = (f: string) => `${MYSQL_HOST.pkiDir}/${f}`;
  return renderCloudConfig(
    withHostAgents(
      {
        hostname: m.fqdn,
        writeFiles: [
          ...databaseHostFiles({
            release: m.release,
            vendorUnits: ["mysqld.service", "mariadb.service"],
            installScript: MYSQL_HOST.installScript,
            prepareDataScript: MYSQL_HOST.prepareDataScript,
            dataVolume: {
              label: "mysql-data",
              mountPoint: MYSQL_HOST.mountPoint,
              dataDir: MYSQL_HOST.dataDir,
              owner: MYSQL_HOST.user,
            },
          }),
          script(MYSQL_HOST.initScript, renderInitDatadirScript(engine)),
          script(MYSQL_HOST.sizingScript, renderSizingScript(MYSQL_HOST.sizingFile)),
          script(MYSQL_HOST.primaryScript, renderResolvePrimaryScript(MYSQL_HOST.primaryFile)),
          script(MYSQL_HOST.bootstrapScript, renderBootstrapScript(engine)),
          config(
            MYSQL_HOST.configFile,
            renderMysqlConfig({
              engine,
              serverId: m.serverId,
              port: MYSQL_PORT,
              bindAddress: "0.0.0.0",
              dataDir: MYSQL_HOST.dataDir,
              socket: MYSQL_HOST.socket,
              pidFile: MYSQL_HOST.pidFile,
              tls: { caFile: pki(TLS_FILES.ca), certFile: pki(TLS_FILES.cert), keyFile: pki(TLS_FILES.key) },
              user: MYSQL_HOST.user,
            }),
          ),
          config(
            MYSQL_HOST.bootstrapEnv,
            renderBootstrapEnv({
              selfHost: m.fqdn,
              selfPort: MYSQL_PORT,
              socket: MYSQL_HOST.socket,
              primaryFile: MYSQL_HOST.primaryFile,
              credentialsDir: MYSQL_HOST.credentialsDir,
              caFile: pki(TLS_FILES.ca),
              database: m.database,
              appUser: m.appUser,
              primaryWaitSeconds: 1800,
              pollSeconds: 5,
            }),
          ),
          ...mysqlUnits({
            engine,
            volumeId: m.volumeId,
            tlsSecretArn: m.tlsSecretArn,
            credentialsSecretArn: m.credentialsSecretArn,
            primaryParameter: m.primaryParameter,
          }).map(unitFile),
        ],
        runcmd: [
          [MYSQL_HOST.installScript],
          ["systemctl", "daemon-reload"],
          // --no-block: a replica may wait for its primary; cloud-init must not wait with it.
          ["systemctl", "enable", "--now", "--no-block", MYSQL_SERVICE, MYSQL_BOOTSTRAP_SERVICE],
        ],
      },
      m.hostAgents,
    ),
  );
}
