/** Agent configuration: an optional JSON file, overridden by command-line flags. */
import { hostname } from "node:os";
import { z } from "zod";
import { AGENT_STATUS_PORT, ETCD_CLIENT_PORT } from "../../model/ports";
import { isDnsLabel, isPort } from "../../model/validators";
import { parseCidr } from "../../model/cidr";
import {
  describeIssues,
  ETCD_SETTINGS,
  LOG_LEVEL_SETTING,
  type ConfigResult as FlagsConfigResult,
  ETCD_FLAGS,
  flagSettings,
  flagUsage,
  LOG_LEVEL_FLAG,
  parseFlags,
  type Flags,
} from "../runtime/flags";

const port = z.custom<number>((v) => isPort(v), "must be a port 1-65535");

const configSchema = z.strictObject({
  agentId: z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label"),
  ...ETCD_SETTINGS,
  stateDir: z.string().min(1),
  haproxyBin: z.string().min(1),
  bindAddress: z.string().regex(/^[0-9.]+$|^\*$/, "must be an IPv4 address or *"),
  bindPort: port,
  /** Port answering every request with a 301 to https (0: none); see docs/edge.md. */
  redirectPort: z.number().int().min(0).max(65535),
  httpAddress: z.string().min(1),
  httpPort: z.number().int().min(0).max(65535),
  minSlots: z.number().int().min(1).max(1024),
  memberCidrs: z
    .array(z.string().refine((v) => parseCidr(v) !== undefined, "must be IPv4 CIDRs such as 10.0.0.0/8"))
    .min(1),
  maxconn: z.number().int().min(100).max(1_000_000),
  healthPollMs: z.number().int().min(50).max(60_000),
  statusTtlSeconds: z.number().int().min(2).max(600),
  statusIntervalMs: z.number().int().min(0).max(60_000),
  flipStrategy: z.enum(["runtime", "reload"]),
  /** Who starts HAProxy when none runs: the agent itself, or systemd (the agent then only adopts). */
  haproxySupervisor: z.enum(["agent", "systemd"]),
  ...LOG_LEVEL_SETTING,
});

export type AgentConfig = z.infer<typeof configSchema>;

function defaultAgentId(): string {
  const id = hostname()
    .toLowerCase()
    .split(".")[0]
    .replace(/[^a-z0-9-]/g, "-")
    .slice(0, 63);
  return isDnsLabel(id) ? id : "agent";
}

export const DEFAULTS: Omit<AgentConfig, "agentId"> = {
  etcdEndpoints: [`http://127.0.0.1:${ETCD_CLIENT_PORT}`],
  stateDir: "/var/lib/switchyard-agent",
  haproxyBin: "/usr/sbin/haproxy",
  bindAddress: "*",
  bindPort: 80,
  redirectPort: 0,
  httpAddress: "127.0.0.1",
  httpPort: AGENT_STATUS_PORT,
  minSlots: 4,
  // Private ranges: VPC and pod addresses. Loopback, link-local (instance metadata) and public
  // addresses are refused as members.
  memberCidrs: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10"],
  maxconn: 20000,
  healthPollMs: 1000,
  statusTtlSeconds: 10,
  statusIntervalMs: 100,
  flipStrategy: "runtime",
  haproxySupervisor: "agent",
  logLevel: "info",
};

const FLAGS: Flags<keyof AgentConfig> = {
  "agent-id": {
    key: "agentId",
    type: "string",
    help: "name of this agent in etcd status (default: short hostname)",
  },
  ...ETCD_FLAGS,
  "state-dir": {
    key: "stateDir",
    type: "string",
    help: "haproxy.cfg, map, sockets and server state live here",
  },
  haproxy: { key: "haproxyBin", type: "string", help: "path of the haproxy binary" },
  "bind-address": { key: "bindAddress", type: "string", help: "address HAProxy listens on for traffic" },
  "bind-port": { key: "bindPort", type: "number", help: "port HAProxy listens on for traffic" },
  "redirect-port": {
    key: "redirectPort",
    type: "number",
    help: "port whose requests get a 301 to https (0: none)",
  },
  "http-address": { key: "httpAddress", type: "string", help: "address of the status/metrics endpoint" },
  "http-port": { key: "httpPort", type: "number", help: "port of the status/metrics endpoint (0: any)" },
  "min-slots": { key: "minSlots", type: "number", help: "server slots pre-allocated per backend" },
  "member-cidrs": {
    key: "memberCidrs",
    type: "list",
    help: "comma-separated ranges member addresses must be in (others are rejected)",
  },
  maxconn: { key: "maxconn", type: "number", help: "HAProxy global maxconn" },
  "health-poll-ms": { key: "healthPollMs", type: "number", help: "how often HAProxy health is read" },
  "status-ttl": { key: "statusTtlSeconds", type: "number", help: "TTL in seconds of the status lease" },
  "status-interval-ms": {
    key: "statusIntervalMs",
    type: "number",
    help: "minimum time between status writes",
  },
  "flip-strategy": {
    key: "flipStrategy",
    type: "string",
    help: "runtime (default) or reload (confd-like, for comparison)",
  },
  "haproxy-supervisor": {
    key: "haproxySupervisor",
    type: "string",
    help: "agent (default: the agent starts HAProxy) or systemd (a unit runs it; the agent adopts it)",
  },
  ...LOG_LEVEL_FLAG,
};

export function usage(): string {
  const lines = [
    "Usage: switchyard-agent [--config FILE] [flags]",
    "",
    "Watches /switchyard/v1/ in etcd and drives a local HAProxy (see docs/agent.md).",
    "",
    "  --config FILE             JSON file with any of the settings below (camelCase keys); flags win",
    "  --help                    print this help",
  ];
  return [...lines, ...flagUsage(FLAGS, DEFAULTS, 24)].join("\n");
}

export type ConfigResult = FlagsConfigResult<AgentConfig>;

/** Pure: argv and a file reader in, a validated configuration (or the reason there is none) out. */
export function loadConfig(argv: string[], readFile: (path: string) => string): ConfigResult {
  const parsed = parseFlags(argv, FLAGS, { config: { type: "string" } });
  if ("error" in parsed) return { kind: "error", message: parsed.error };
  const { values } = parsed;
  if (values.help) return { kind: "help" };
  let fromFile: Record<string, unknown> = {};
  if (typeof values.config === "string") {
    try {
      fromFile = JSON.parse(readFile(values.config)) as Record<string, unknown>;
    } catch (e) {
      return { kind: "error", message: `config file ${values.config}: ${(e as Error).message}` };
    }
  }
  const fromFlags = flagSettings(FLAGS, (name) => {
    const v = values[name];
    return typeof v === "string" ? v : undefined;
  });
  const result = configSchema.safeParse({
    agentId: defaultAgentId(),
    ...DEFAULTS,
    ...fromFile,
    ...fromFlags,
  });
  if (!result.success) return { kind: "error", message: describeIssues(result.error) };
  return { kind: "config", config: result.data };
}
