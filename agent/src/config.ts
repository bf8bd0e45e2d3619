/** Agent configuration: an optional JSON file, overridden by command-line flags. */
import { hostname } from "node:os";
import { parseArgs } from "node:util";
import { z } from "zod";
import { isDnsLabel, isPort } from "../../components/config/validators";

const port = z.custom<number>((v) => isPort(v), "must be a port 1-65535");

const configSchema = z.strictObject({
  agentId: z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label"),
  etcdEndpoints: z
    .array(z.string().regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+$/, "must be http(s)://host:port"))
    .min(1),
  etcdCaFile: z.string().optional(),
  etcdCertFile: z.string().optional(),
  etcdKeyFile: z.string().optional(),
  stateDir: z.string().min(1),
  haproxyBin: z.string().min(1),
  bindAddress: z.string().regex(/^[0-9.]+$|^\*$/, "must be an IPv4 address or *"),
  bindPort: port,
  httpAddress: z.string().min(1),
  httpPort: z.number().int().min(0).max(65535),
  minSlots: z.number().int().min(1).max(1024),
  maxconn: z.number().int().min(100).max(1_000_000),
  healthPollMs: z.number().int().min(50).max(60_000),
  statusTtlSeconds: z.number().int().min(2).max(600),
  statusIntervalMs: z.number().int().min(0).max(60_000),
  flipStrategy: z.enum(["runtime", "reload"]),
  /** Who starts HAProxy when none runs: the agent itself, or systemd (the agent then only adopts). */
  haproxySupervisor: z.enum(["agent", "systemd"]),
  logLevel: z.enum(["debug", "info", "warn", "error"]),
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
  etcdEndpoints: ["http://127.0.0.1:2379"],
  stateDir: "/var/lib/switchyard-agent",
  haproxyBin: "/usr/sbin/haproxy",
  bindAddress: "*",
  bindPort: 80,
  httpAddress: "127.0.0.1",
  httpPort: 9180,
  minSlots: 4,
  maxconn: 20000,
  healthPollMs: 1000,
  statusTtlSeconds: 10,
  statusIntervalMs: 100,
  flipStrategy: "runtime",
  haproxySupervisor: "agent",
  logLevel: "info",
};

interface Flag {
  key: keyof AgentConfig;
  type: "string" | "number" | "list";
  help: string;
}

const FLAGS: Record<string, Flag> = {
  "agent-id": {
    key: "agentId",
    type: "string",
    help: "name of this agent in etcd status (default: short hostname)",
  },
  "etcd-endpoints": { key: "etcdEndpoints", type: "list", help: "comma-separated etcd URLs" },
  "etcd-ca": { key: "etcdCaFile", type: "string", help: "CA bundle for etcd TLS" },
  "etcd-cert": { key: "etcdCertFile", type: "string", help: "client certificate for etcd mTLS" },
  "etcd-key": { key: "etcdKeyFile", type: "string", help: "client key for etcd mTLS" },
  "state-dir": {
    key: "stateDir",
    type: "string",
    help: "haproxy.cfg, map, sockets and server state live here",
  },
  haproxy: { key: "haproxyBin", type: "string", help: "path of the haproxy binary" },
  "bind-address": { key: "bindAddress", type: "string", help: "address HAProxy listens on for traffic" },
  "bind-port": { key: "bindPort", type: "number", help: "port HAProxy listens on for traffic" },
  "http-address": { key: "httpAddress", type: "string", help: "address of the status/metrics endpoint" },
  "http-port": { key: "httpPort", type: "number", help: "port of the status/metrics endpoint (0: any)" },
  "min-slots": { key: "minSlots", type: "number", help: "server slots pre-allocated per backend" },
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
  "log-level": { key: "logLevel", type: "string", help: "debug, info, warn or error" },
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
  for (const [name, f] of Object.entries(FLAGS)) {
    const def = (DEFAULTS as Record<string, unknown>)[f.key];
    lines.push(`  --${name.padEnd(24)}${f.help}${def === undefined ? "" : ` [${String(def)}]`}`);
  }
  return lines.join("\n");
}

export type ConfigResult =
  { kind: "help" } | { kind: "config"; config: AgentConfig } | { kind: "error"; message: string };

/** Pure: argv and a file reader in, a validated configuration (or the reason there is none) out. */
export function loadConfig(argv: string[], readFile: (path: string) => string): ConfigResult {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean" },
        config: { type: "string" },
        ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: "string" as const }])),
      },
      strict: true,
      allowPositionals: false,
    });
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
  const values = parsed.values as Record<string, string | boolean | undefined>;
  if (values.help) return { kind: "help" };
  let fromFile: Record<string, unknown> = {};
  if (typeof values.config === "string") {
    try {
      fromFile = JSON.parse(readFile(values.config)) as Record<string, unknown>;
    } catch (e) {
      return { kind: "error", message: `config file ${values.config}: ${(e as Error).message}` };
    }
  }
  const fromFlags: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    const v = values[name];
    if (typeof v !== "string") continue;
    fromFlags[f.key] = f.type === "number" ? Number(v) : f.type === "list" ? v.split(",").filter(Boolean) : v;
  }
  const result = configSchema.safeParse({
    agentId: defaultAgentId(),
    ...DEFAULTS,
    ...fromFile,
    ...fromFlags,
  });
  if (!result.success) {
    return {
      kind: "error",
      message: result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    };
  }
  return { kind: "config", config: result.data };
}
