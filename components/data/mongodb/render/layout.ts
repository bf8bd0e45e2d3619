/** Where things live on a MongoDB member. One table, shared by config, units and scripts. */
export { MONGODB_PORT } from "../../../../model/ports";

export const MONGO_HOST = {
  user: "mongod",
  mountPoint: "/var/lib/mongo-data",
  dataDir: "/var/lib/mongo-data/db",
  configFile: "/etc/switchyard/mongodb/mongod.conf",
  /** ca.crt, tls.crt, tls.key and server.pem (certificate and key in one file, as mongod wants). */
  pkiDir: "/etc/switchyard/mongodb/tls",
  /** The replica set's internal-authentication key file (one file named keyfile). */
  keyDir: "/etc/switchyard/mongodb/key",
  /** admin and app passwords, root-only. */
  credentialsDir: "/etc/switchyard/mongodb/credentials",
  bootstrapScript: "/usr/local/lib/switchyard/mongodb-bootstrap.js",
  bootstrapEnv: "/etc/switchyard/mongodb/bootstrap.env",
  installScript: "/usr/local/sbin/mongodb-install",
  prepareDataScript: "/usr/local/sbin/mongodb-prepare-data",
  sysctlFile: "/etc/sysctl.d/90-mongodb.conf",
} as const;

export const MONGO_SERVER_PEM = "server.pem";
export const MONGO_KEY_FILE = "keyfile";
/** Keys of the credentials secret (plus one `service-<name>` per platform service's user). */
export const MONGO_CREDENTIALS = ["admin", "app", "monitor"] as const;
/**
 * The host Telegraf's account (inputs.mongodb): on admin, `clusterMonitor` only, which grants
 * serverStatus, replSetGetStatus and the oplog reads the plugin needs (Telegraf's README:
 * MongoDB 3.4 and later need nothing else). Its password is the `monitor` credential.
 */
export const MONGO_MONITOR = {
  user: "monitor",
  credential: "monitor",
  roles: [{ role: "clusterMonitor", db: "admin" }],
} as const;
/** Credential key prefix of a platform service's user (e.g. `service-graylog`). */
export const MONGO_SERVICE_PREFIX = "service-";
