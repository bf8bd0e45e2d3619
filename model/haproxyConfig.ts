/**
 * Renders haproxy.cfg and the hosts map: the one HAProxy renderer. switchyard-agent renders the
 * routes it read from etcd; the edge component renders the bootstrap configuration a host boots
 * with (the same global and defaults sections, sockets and escaping, but no routes yet). Every
 * value that reaches these files has been validated by the schema (hostnames, DNS labels, ports,
 * paths, IPv4 addresses), and rendering re-checks the characters that could break out of a line
 * or a token, so a bug upstream cannot become an injection.
 */
import type { HealthCheck } from "./etcd/schema";
import type { HaproxyPaths } from "./haproxy";

/** One backend's structure: a reload is needed only when this changes (members use slots). */
export interface HaproxyBackend {
  name: string;
  port: number;
  healthCheck: HealthCheck;
  slots: number;
}

export interface ServerAddress {
  address: string;
  port: number;
}

export interface RenderOptions {
  paths: HaproxyPaths;
  bindAddress: string;
  bindPort: number;
  maxconn: number;
  /** Answered by HAProxy itself (monitor-uri) for the ELB health check. */
  healthzPath: string;
  /**
   * Port whose every request is answered `301` to the same URL on https (see EDGE_REDIRECT_PORT).
   * Bound in both modes, so the agent's seamless reload inherits the bootstrap's socket. 0: none.
   */
  redirectPort?: number;
}

/**
 * `routes`: what the agent applies. `bootstrap`: what a host starts with before the agent has read
 * etcd. It binds the traffic port and the sockets where the agent expects them (so the agent adopts
 * the process and replaces the configuration with a seamless reload), but fails the health check
 * and answers every request 503: a host that does not know the routes yet must never be counted
 * healthy, or receive traffic.
 */
export type ConfigContent =
  | { mode: "routes"; backends: HaproxyBackend[]; slots: Map<string, (ServerAddress | undefined)[]> }
  | { mode: "bootstrap" };

const SAFE_TOKEN = /^[A-Za-z0-9._:/~!$&()*+,;=@%-]+$/;

function token(value: string | number): string {
  const s = String(value);
  if (!SAFE_TOKEN.test(s)) throw new Error(`unsafe token for haproxy.cfg: ${JSON.stringify(s)}`);
  return s;
}

function globalAndDefaults(o: RenderOptions): string[] {
  const p = o.paths;
  return [
    "global",
    "  master-worker",
    `  maxconn ${token(o.maxconn)}`,
    `  stats socket ${token(p.adminSocket)} mode 600 level admin expose-fd listeners`,
    "  stats timeout 30s",
    `  server-state-file ${token(p.serverState)}`,
    // Old workers finish in-flight requests after a reload, but not forever.
    "  hard-stop-after 30s",
    "",
    "defaults",
    "  mode http",
    "  timeout connect 3s",
    "  timeout client 60s",
    "  timeout server 60s",
    "  timeout http-keep-alive 60s",
    "  timeout http-request 10s",
    "  retries 3",
    "  option redispatch 1",
    "  load-server-state-from-file global",
  ];
}

/** The frontend that sends plain HTTP to https. */
function redirectFrontend(o: RenderOptions): string[] {
  if (!o.redirectPort) return [];
  return [
    "",
    "frontend fe_https_redirect",
    `  bind ${token(o.bindAddress)}:${token(o.redirectPort)}`,
    "  http-request redirect scheme https code 301",
  ];
}

function bootstrap(o: RenderOptions): string[] {
  return [
    "frontend fe_http",
    `  bind ${token(o.bindAddress)}:${token(o.bindPort)}`,
    `  monitor-uri ${token(o.healthzPath)}`,
    "  monitor fail if TRUE",
    // The hosts map is loaded from the start so the agent's `show map` works on this process too.
    `  use_backend %[req.hdr(host),field(1,:),lower,map(${token(o.paths.map)},be_starting)]`,
    "  default_backend be_starting",
    "",
    "backend be_starting",
    '  http-request return status 503 content-type text/plain string "starting: routes not applied yet"',
  ];
}

function routes(content: Extract<ConfigContent, { mode: "routes" }>, o: RenderOptions): string[] {
  const lines = [
    "frontend fe_http",
    `  bind ${token(o.bindAddress)}:${token(o.bindPort)}`,
    `  monitor-uri ${token(o.healthzPath)}`,
    `  use_backend %[req.hdr(host),field(1,:),lower,map(${token(o.paths.map)})]`,
    "  default_backend be_unrouted",
    "",
    "backend be_unrouted",
    '  http-request return status 404 content-type text/plain string "no route"',
  ];
  for (const b of content.backends) {
    const hc = b.healthCheck;
    lines.push(
      "",
      `backend ${token(b.name)}`,
      "  balance roundrobin",
      "  option httpchk",
      `  http-check send meth GET uri ${token(hc.path)}`,
      `  default-server check inter ${token(hc.intervalMs)} fall ${token(hc.fall)} rise ${token(hc.rise)}`,
    );
    const assigned = content.slots.get(b.name) ?? [];
    for (let i = 0; i < b.slots; i++) {
      const e = assigned[i];
      lines.push(
        e
          ? `  server s${i + 1} ${token(e.address)}:${token(e.port)}`
          : // Empty slot: in maintenance, so the placeholder address never receives traffic.
            `  server s${i + 1} 127.0.0.1:${token(b.port)} disabled`,
      );
    }
  }
  return lines;
}

export function renderConfig(content: ConfigContent, o: RenderOptions): string {
  const header =
    content.mode === "bootstrap"
      ? "# switchyard bootstrap: replaced by switchyard-agent once it has applied the routes from etcd."
      : "# Generated by switchyard-agent. Do not edit: every change is overwritten on the next apply.";
  const body = content.mode === "bootstrap" ? bootstrap(o) : routes(content, o);
  return [header, ...globalAndDefaults(o), "", ...body, ...redirectFrontend(o)].join("\n") + "\n";
}

export function renderMap(entries: Map<string, string>): string {
  return [...entries.keys()]
    .sort()
    .map((host) => `${token(host)} ${token(entries.get(host)!)}\n`)
    .join("");
}
