/**
 * Telegraf inputs of a MongoDB member, for the shared host Telegraf (common/host/telegraf):
 * inputs.mongodb on the member itself over TLS (the members serve requireTLS; their certificate
 * names 127.0.0.1), trusting the replica set's CA only, as the clusterMonitor-only monitoring
 * user. Its password is an environment reference, loaded by systemd from the credentials file.
 * Option names: influxdata/telegraf plugins/inputs/mongodb/sample.conf.
 */
import { TELEGRAF_HOST, type HostTelegrafInput } from "../../../common/host/telegraf";
import { MONGO_MONITOR, MONGODB_PORT } from "./layout";

export const MONGODB_MONITOR_PASSWORD_ENV = "MONGODB_MONITOR_PASSWORD";
/** The CA file Telegraf trusts (a key of the Telegraf CA secret, fetched into tlsDir). */
export const MONGODB_TELEGRAF_CA = "mongodb-ca.crt";

export function mongoTelegrafInputs(): HostTelegrafInput["inputs"] {
  return [
    {
      plugin: "mongodb",
      options: {
        servers: [
          `mongodb://${MONGO_MONITOR.user}:\${${MONGODB_MONITOR_PASSWORD_ENV}}@127.0.0.1:${MONGODB_PORT}/?authSource=admin&directConnection=true&tls=true`,
        ],
        // Sharding only (jumbo chunks, a collection scan): a replica set has none.
        gather_cluster_status: false,
        gather_perdb_stats: false,
        gather_col_stats: false,
        tls_ca: `${TELEGRAF_HOST.tlsDir}/${MONGODB_TELEGRAF_CA}`,
      },
    },
  ];
}
