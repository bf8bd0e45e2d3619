/** Where things live on an HAProxy host. One table, shared by the units, scripts and configs. */
import { haproxyPaths } from "../../../model/haproxy";
import { AGENT_STATUS_PORT } from "../../../model/ports";

const stateDir = "/var/lib/switchyard-agent";

export const AGENT_HOST = {
  user: "switchyard",
  /** AL2023's nodejs20 package installs the interpreter under this name. */
  node: "/usr/bin/node-20",
  haproxyBin: "/usr/sbin/haproxy",
  bundle: "/opt/switchyard-agent/switchyard-agent.js",
  configFile: "/etc/switchyard-agent/config.json",
  bootstrapConfig: "/etc/switchyard-agent/haproxy-bootstrap.cfg",
  installScript: "/usr/local/sbin/switchyard-install-agent",
  etcdPkiDir: "/etc/switchyard-agent/etcd",
  stateDir,
  /** The agent's own file layout inside its state directory (config, map, sockets, pid). */
  haproxyPaths: haproxyPaths(stateDir),
  /** HAProxy's traffic bind, in the bootstrap configuration and the agent's: every address. */
  bindAddress: "*",
  /** The agent's status, metrics and health endpoint: loopback only, it has no authentication. */
  statusAddress: "127.0.0.1",
  statusPort: AGENT_STATUS_PORT,
} as const;
