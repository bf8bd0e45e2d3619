/**
 * The HAProxy configuration a host starts with, before switchyard-agent has read etcd. It binds
 * the traffic port and the agent's sockets exactly where the agent expects them (so the agent
 * adopts this process and replaces the configuration with a seamless reload), but it answers the
 * load balancer's health check with 503 and every request with 503: a host that does not know the
 * routes yet must never be counted healthy, or receive traffic.
 */
import type { HaproxyPaths } from "../../../model/haproxy";

export interface BootstrapOptions {
  paths: HaproxyPaths;
  bindPort: number;
  maxconn: number;
  healthzPath: string;
}

export function renderBootstrapConfig(o: BootstrapOptions): string {
  const p = o.paths;
  return [
    "# switchyard bootstrap: replaced by switchyard-agent once it has applied the routes from etcd.",
    "global",
    "  master-worker",
    `  maxconn ${o.maxconn}`,
    `  pidfile ${p.pidFile}`,
    `  stats socket ${p.adminSocket} mode 600 level admin expose-fd listeners`,
    "  stats timeout 30s",
    "",
    "defaults",
    "  mode http",
    "  timeout connect 3s",
    "  timeout client 30s",
    "  timeout server 30s",
    "  timeout http-request 10s",
    "",
    "frontend fe_http",
    `  bind *:${o.bindPort}`,
    `  monitor-uri ${o.healthzPath}`,
    "  monitor fail if TRUE",
    // The hosts map is loaded from the start so the agent's `show map` works on this process too.
    `  use_backend %[req.hdr(host),field(1,:),lower,map(${p.map},be_starting)]`,
    "  default_backend be_starting",
    "",
    "backend be_starting",
    '  http-request return status 503 content-type text/plain string "starting: routes not applied yet"',
    "",
  ].join("\n");
}
