/**
 * Registrar configuration: flags, each also settable as SWITCHYARD_REGISTRAR_<FLAG> in the
 * environment (how the Deployment passes it); flags win. Pure: argv and env in, config out.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { isDnsLabel } from "../../../components/config/validators";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const configSchema = z.strictObject({
  apps: z.array(z.string().refine((v) => isDnsLabel(v), "must be DNS-1123 labels")).min(1),
  namespace: z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label"),
  portName: z.string().min(1),
  kubeApiUrl: z.string().regex(/^https:\/\/[A-Za-z0-9.:[\]-]+\/?$/, "must be https://host[:port]"),
  kubeTokenFile: z.string().min(1),
  kubeCaFile: z.string().min(1),
  etcdEndpoints: z
    .array(z.string().regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+$/, "must be http(s)://host:port"))
    .min(1),
  etcdCaFile: z.string().optional(),
  etcdCertFile: z.string().optional(),
  etcdKeyFile: z.string().optional(),
  httpAddress: z.string().min(1),
  httpPort: z.number().int().min(0).max(65535),
  resyncSeconds: z.number().int().min(1).max(3600),
  logLevel: z.enum(["debug", "info", "warn", "error"]),
});

export type RegistrarConfig = z.infer<typeof configSchema>;

export const DEFAULTS: Omit<RegistrarConfig, "apps" | "namespace" | "etcdEndpoints"> = {
  portName: "http",
  kubeApiUrl: "https://kubernetes.default.svc",
  kubeTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
  kubeCaFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
  // Probes come from the kubelet to the pod IP, so the endpoint cannot be loopback-only.
  httpAddress: "0.0.0.0",
  httpPort: 9181,
  resyncSeconds: 60,
  logLevel: "info",
};

const FLAGS: Record<
  string,
  { key: keyof RegistrarConfig; type: "string" | "number" | "list"; help: string }
> = {
  apps: { key: "apps", type: "list", help: "comma-separated apps whose members this registrar owns" },
  namespace: { key: "namespace", type: "string", help: "namespace of the apps' Services" },
  "port-name": { key: "portName", type: "string", help: "EndpointSlice port name that members use" },
  "kube-api": { key: "kubeApiUrl", type: "string", help: "Kubernetes API base URL" },
  "kube-token-file": {
    key: "kubeTokenFile",
    type: "string",
    help: "service-account token (re-read per request)",
  },
  "kube-ca-file": { key: "kubeCaFile", type: "string", help: "CA bundle of the Kubernetes API" },
  "etcd-endpoints": { key: "etcdEndpoints", type: "list", help: "comma-separated etcd URLs" },
  "etcd-ca": { key: "etcdCaFile", type: "string", help: "CA bundle for etcd TLS" },
  "etcd-cert": { key: "etcdCertFile", type: "string", help: "client certificate for etcd mTLS" },
  "etcd-key": { key: "etcdKeyFile", type: "string", help: "client key for etcd mTLS" },
  "http-address": { key: "httpAddress", type: "string", help: "address of /healthz, /metrics, /status" },
  "http-port": { key: "httpPort", type: "number", help: "port of /healthz, /metrics, /status (0: any)" },
  "resync-seconds": { key: "resyncSeconds", type: "number", help: "full reconcile at least this often" },
  "log-level": { key: "logLevel", type: "string", help: "debug, info, warn or error" },
};

export function envName(flag: string): string {
  return `SWITCHYARD_REGISTRAR_${flag.toUpperCase().replace(/-/g, "_")}`;
}

export function usage(): string {
  const lines = [
    "Usage: switchyard-registrar [flags]",
    "",
    "Writes /switchyard/v1/members/<app>/<colour>/<id> in etcd from the EndpointSlices of the apps'",
    "per-colour Services (see docs/registrar.md). Every flag can also be given as",
    "SWITCHYARD_REGISTRAR_<FLAG> (e.g. SWITCHYARD_REGISTRAR_ETCD_ENDPOINTS); flags win.",
    "",
    "  --help                        print this help",
  ];
  for (const [name, f] of Object.entries(FLAGS)) {
    const def = (DEFAULTS as Record<string, unknown>)[f.key];
    lines.push(`  --${name.padEnd(28)}${f.help}${def === undefined ? "" : ` [${String(def)}]`}`);
  }
  return lines.join("\n");
}

export type ConfigResult =
  { kind: "help" } | { kind: "config"; config: RegistrarConfig } | { kind: "error"; message: string };

export function loadConfig(argv: string[], env: Record<string, string | undefined>): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean" },
        ...Object.fromEntries(Object.keys(FLAGS).map((k) => [k, { type: "string" as const }])),
      },
      strict: true,
      allowPositionals: false,
    }).values as Record<string, string | boolean | undefined>;
  } catch (e) {
    return { kind: "error", message: (e as Error).message };
  }
  if (values.help) return { kind: "help" };
  const given: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(FLAGS)) {
    const flag = values[name];
    const v = typeof flag === "string" ? flag : env[envName(name)];
    if (v === undefined || v === "") continue;
    given[f.key] = f.type === "number" ? Number(v) : f.type === "list" ? v.split(",").filter(Boolean) : v;
  }
  const result = configSchema.safeParse({ ...DEFAULTS, ...given });
  if (!result.success) {
    return {
      kind: "error",
      message: result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`).join("; "),
    };
  }
  return { kind: "config", config: result.data };
}
