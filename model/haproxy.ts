/**
 * Where switchyard-agent keeps HAProxy's files inside its state directory. The agent writes and
 * reads them; the edge component points the bootstrap configuration and the systemd unit at the
 * same files, so both sides take them from here.
 */
import { join } from "node:path";

export interface HaproxyPaths {
  config: string;
  map: string;
  /** Backend → health-check path, read by every check (`uri-lf`), so a path is run-time data. */
  checks: string;
  adminSocket: string;
  masterSocket: string;
  serverState: string;
  /** Written by the master (-p); the master CLI is the way in, the pid is for operators and tests. */
  pidFile: string;
}

export function haproxyPaths(stateDir: string): HaproxyPaths {
  return {
    config: join(stateDir, "haproxy.cfg"),
    map: join(stateDir, "hosts.map"),
    checks: join(stateDir, "checks.map"),
    adminSocket: join(stateDir, "admin.sock"),
    masterSocket: join(stateDir, "master.sock"),
    serverState: join(stateDir, "server-state"),
    pidFile: join(stateDir, "haproxy.pid"),
  };
}
