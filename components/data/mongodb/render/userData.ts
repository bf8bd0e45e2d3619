/**
 * The cloud-init document of one MongoDB member: identities and configuration only; the
 * certificate, key file and passwords come from Secrets Manager at boot. Extra host agents
 * (metrics, logs) are appended by the caller (withHostAgents).
 */
import { renderCloudConfig, unitFile, withHostAgents, type HostAgent } from "../../../common/host/cloudInit";
import { TLS_FILES } from "../../../common/host/secretFiles";
import { databaseHostFiles, rootFile as file } from "../../render/hostFiles";
import type { MongoRelease } from "../releases";
import { renderMongoBootstrapEnv, renderMongoBootstrapScript } from "./bootstrap";
import { renderMongodConfig, renderMongoSysctl } from "./config";
import { MONGO_HOST, MONGO_KEY_FILE, MONGO_SERVER_PEM, MONGODB_PORT } from "./layout";
import { MONGO_BOOTSTRAP_SERVICE, MONGOD_SERVICE, THP_SERVICE, mongoUnits } from "./units";

export interface MongoMemberUserDataInput {
  fqdn: string;
  release: MongoRelease;
  /** DNS names of every member, mongodb-0 first. */
  members: string[];
  replicaSetName: string;
  volumeId: string;
  tlsSecretArn: string;
  keySecretArn: string;
  credentialsSecretArn: string;
  database: string;
  appUser: string;
  hostAgents: readonly HostAgent[];
}

export function renderMongoMemberUserData(m: MongoMemberUserDataInput): string {
  const pki = (f: string) => `${MONGO_HOST.pkiDir}/${f}`;
  return renderCloudConfig(
    withHostAgents(
      {
        hostname: m.fqdn,
        writeFiles: [
          ...databaseHostFiles({
            release: m.release,
            vendorUnits: ["mongod.service"],
            installScript: MONGO_HOST.installScript,
            prepareDataScript: MONGO_HOST.prepareDataScript,
            // MongoDB's production notes: XFS, noatime, read-ahead of 8-32 sectors for WiredTiger.
            dataVolume: {
              label: "mongo-data",
              mountPoint: MONGO_HOST.mountPoint,
              dataDir: MONGO_HOST.dataDir,
              owner: MONGO_HOST.user,
              readaheadSectors: 32,
            },
          }),
          file(MONGO_HOST.sysctlFile, renderMongoSysctl(m.release.series)),
          file(MONGO_HOST.bootstrapScript, renderMongoBootstrapScript()),
          file(
            MONGO_HOST.configFile,
            renderMongodConfig({
              port: MONGODB_PORT,
              dataDir: MONGO_HOST.dataDir,
              replicaSetName: m.replicaSetName,
              keyFile: `${MONGO_HOST.keyDir}/${MONGO_KEY_FILE}`,
              tls: { caFile: pki(TLS_FILES.ca), certificateKeyFile: pki(MONGO_SERVER_PEM) },
            }),
          ),
          file(
            MONGO_HOST.bootstrapEnv,
            renderMongoBootstrapEnv({
              selfHost: m.fqdn,
              port: MONGODB_PORT,
              members: m.members.map((h) => `${h}:${MONGODB_PORT}`),
              replicaSetName: m.replicaSetName,
              caFile: pki(TLS_FILES.ca),
              credentialsDir: MONGO_HOST.credentialsDir,
              database: m.database,
              appUser: m.appUser,
              waitSeconds: 1800,
              pollSeconds: 5,
            }),
          ),
          ...mongoUnits({
            version: m.release.series,
            volumeId: m.volumeId,
            tlsSecretArn: m.tlsSecretArn,
            keySecretArn: m.keySecretArn,
            credentialsSecretArn: m.credentialsSecretArn,
          }).map(unitFile),
        ],
        runcmd: [
          [MONGO_HOST.installScript],
          ["sysctl", "--system"],
          ["systemctl", "daemon-reload"],
          // --no-block: members wait for each other; cloud-init must not wait with them.
          [
            "systemctl",
            "enable",
            "--now",
            "--no-block",
            THP_SERVICE,
            MONGOD_SERVICE,
            MONGO_BOOTSTRAP_SERVICE,
          ],
        ],
      },
      m.hostAgents,
    ),
  );
}
