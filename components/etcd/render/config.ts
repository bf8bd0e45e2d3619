/**
 * etcd's settings for one member, rendered as the environment file its systemd unit loads
 * (ETCD_<FLAG>=value). An environment file rather than `--config-file`: the YAML file of etcd
 * 3.4/3.5 has no key for peer-cert-allowed-cn (the rendered-cluster test caught a client
 * certificate joining the peer port), while every flag has an ETCD_ variable. Pure: the component
 * renders it with the member's DNS names, the tests with loopback ports.
 */
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

/** etcd flags (without the leading --) and their values, in a stable order. */
export function etcdSettings(c: EtcdConfigInput): [flag: string, value: string][] {
  if (!c.initialCluster.some((p) => p.name === c.self.name)) {
    throw new Error(`member ${c.self.name} is not in its own initial cluster`);
  }
  return [
    ["name", c.self.name],
    ["data-dir", c.dataDir],
    ["listen-peer-urls", https(c.listenAddress, c.self.peerPort)],
    ["listen-client-urls", https(c.listenAddress, c.self.clientPort)],
    ["initial-advertise-peer-urls", https(c.self.host, c.self.peerPort)],
    ["advertise-client-urls", https(c.self.host, c.self.clientPort)],
    ["initial-cluster", c.initialCluster.map((p) => `${p.name}=${https(p.host, p.peerPort)}`).join(",")],
    ["initial-cluster-state", c.clusterState],
    ["initial-cluster-token", c.clusterToken],
    // Both listeners demand a certificate signed by the cluster CA; the peer listener further
    // requires the member CN, so the client certificate the HAProxy hosts hold cannot join raft.
    ["cert-file", c.tls.certFile],
    ["key-file", c.tls.keyFile],
    ["trusted-ca-file", c.tls.caFile],
    ["client-cert-auth", "true"],
    ["peer-cert-file", c.tls.certFile],
    ["peer-key-file", c.tls.keyFile],
    ["peer-trusted-ca-file", c.tls.caFile],
    ["peer-client-cert-auth", "true"],
    ["peer-cert-allowed-cn", MEMBER_CN],
    // Routing data is small; hourly compaction and a 2 GiB quota keep the database compact.
    ["auto-compaction-mode", "periodic"],
    ["auto-compaction-retention", "1h"],
    ["quota-backend-bytes", String(2 * 1024 ** 3)],
    ["logger", "zap"],
    ["log-outputs", "stderr"],
    ...(c.metricsUrl ? [["listen-metrics-urls", c.metricsUrl] as [string, string]] : []),
  ];
}

/** ETCD_<FLAG> name of a flag: upper case, dashes to underscores. */
export function etcdVariable(flag: string): string {
  return `ETCD_${flag.toUpperCase().replace(/-/g, "_")}`;
}

/** A systemd EnvironmentFile. Values never need quoting; anything that would is refused. */
export function renderEtcdEnvironment(c: EtcdConfigInput): string {
  return (
    etcdSettings(c)
      .map(([flag, value]) => {
        if (!/^[A-Za-z0-9_./:,=@-]+$/.test(value))
          throw new Error(`unsafe value for ${flag}: ${JSON.stringify(value)}`);
        return `${etcdVariable(flag)}=${value}`;
      })
      .join("\n") + "\n"
  );
}
