/**
 * mongod's configuration file and the OS tuning MongoDB's production notes ask for. Pure.
 * Transparent huge pages depend on the version: 8.0's TCMalloc (per-CPU caches) wants them
 * enabled (defrag defer+madvise, khugepaged max_ptes_none 0); 7.0 and older want them disabled.
 */
import { stringify } from "yaml";

export interface MongodConfigInput {
  port: number;
  dataDir: string;
  replicaSetName: string;
  keyFile: string;
  tls: { caFile: string; certificateKeyFile: string };
}

export function renderMongodConfig(c: MongodConfigInput): string {
  const doc = {
    storage: { dbPath: c.dataDir },
    // syslog reaches journald, where the host's log shipper reads it.
    systemLog: { destination: "syslog" },
    net: {
      port: c.port,
      bindIpAll: true,
      tls: {
        mode: "requireTLS",
        certificateKeyFile: c.tls.certificateKeyFile,
        CAFile: c.tls.caFile,
        // Clients authenticate with passwords; members with the key file.
        allowConnectionsWithoutCertificates: true,
      },
    },
    replication: { replSetName: c.replicaSetName },
    security: { authorization: "enabled", keyFile: c.keyFile, clusterAuthMode: "keyFile" },
    processManagement: { fork: false, timeZoneInfo: "/usr/share/zoneinfo" },
  };
  return `# Rendered by switchyard (components/data/mongodb).\n${stringify(doc)}`;
}

export interface HugePageSettings {
  enabled: "always" | "never";
  defrag: "defer+madvise" | "never";
  /** khugepaged/max_ptes_none; only set when THP is enabled. */
  maxPtesNone?: number;
}

/** The transparent-huge-pages settings MongoDB documents for a version. */
export function hugePagesFor(version: string): HugePageSettings {
  const major = Number(version.split(".")[0]);
  if (!Number.isInteger(major)) throw new Error(`not a MongoDB version: ${version}`);
  return major >= 8
    ? { enabled: "always", defrag: "defer+madvise", maxPtesNone: 0 }
    : { enabled: "never", defrag: "never" };
}

/** Kernel settings from the production notes: little swapping, more mappings, short keepalives. */
export function renderMongoSysctl(version: string): string {
  const lines = ["vm.swappiness = 1", "vm.max_map_count = 262144", "net.ipv4.tcp_keepalive_time = 120"];
  // 8.0's allocator reserves memory it may not touch; its THP page says overcommit_memory = 1.
  if (hugePagesFor(version).enabled === "always") lines.push("vm.overcommit_memory = 1");
  return `${lines.join("\n")}\n`;
}
