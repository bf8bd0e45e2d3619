/**
 * etcd's configuration file (the YAML that `etcd --config-file` reads), rendered for one member.
 * Pure: the component renders it with the member's DNS names, the tests with loopback ports.
 */
import { stringify } from "yaml";
import { MEMBER_CN } from "./layout";

export interface PeerSpec {
  name: string;
  /** DNS name (or IP) other members and clients reach this member at. */
  host: string;
  peerPort: number;
  clientPort: number;
}

export interface EtcdConfigInput {
  self: PeerSpec;
  /** Members in the initial cluster this member starts with (itself included). */
  initialCluster: PeerSpec[];
  /** "new" for founding members, "existing" for members added later with `etcdctl member add`. */
  clusterState: "new" | "existing";
  clusterToken: string;
  /** Address the listeners bind; 0.0.0.0 on hosts (loopback backups too), 127.0.0.1 in tests. */
  listenAddress: string;
  dataDir: string;
  tls: { caFile: string; certFile: string; keyFile: string };
  /** Plain-HTTP metrics listener (loopback); omitted when undefined. */
  metricsUrl?: string;
}

const https = (host: string, port: number) => `https://${host}:${port}`;

export function renderEtcdConfig(c: EtcdConfigInput): string {
  if (!c.initialCluster.some((p) => p.name === c.self.name)) {
    throw new Error(`member ${c.self.name} is not in its own initial cluster`);
  }
  const security = (extra: Record<string, unknown>) => ({
    "cert-file": c.tls.certFile,
    "key-file": c.tls.keyFile,
    "trusted-ca-file": c.tls.caFile,
    "client-cert-auth": true,
    ...extra,
  });
  const doc: Record<string, unknown> = {
    name: c.self.name,
    "data-dir": c.dataDir,
    "listen-peer-urls": https(c.listenAddress, c.self.peerPort),
    "listen-client-urls": https(c.listenAddress, c.self.clientPort),
    "initial-advertise-peer-urls": https(c.self.host, c.self.peerPort),
    "advertise-client-urls": https(c.self.host, c.self.clientPort),
    "initial-cluster": c.initialCluster.map((p) => `${p.name}=${https(p.host, p.peerPort)}`).join(","),
    "initial-cluster-state": c.clusterState,
    "initial-cluster-token": c.clusterToken,
    // Both listeners demand a certificate signed by the cluster CA; the peer listener further
    // requires the member CN, so the client certificate the HAProxy hosts hold cannot join raft.
    "client-transport-security": security({}),
    "peer-transport-security": security({ "allowed-cn": MEMBER_CN }),
    // Routing data is small; hourly compaction and a 2 GiB quota keep the database compact.
    "auto-compaction-mode": "periodic",
    "auto-compaction-retention": "1h",
    "quota-backend-bytes": 2 * 1024 ** 3,
    logger: "zap",
    "log-outputs": ["stderr"],
    ...(c.metricsUrl ? { "listen-metrics-urls": c.metricsUrl } : {}),
  };
  return stringify(doc);
}
