/**
 * Registrar configuration: flags, each also settable as SWITCHYARD_REGISTRAR_<FLAG> in the
 * environment (how the Deployment passes it); flags win. Pure: argv and env in, config out.
 */
import { z } from "zod";
import { REGISTRAR_HTTP_PORT } from "../../model/ports";
import { registrarEnvName } from "../../model/registrar";
import { isDnsLabel } from "../../model/validators";
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

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const configSchema = z.strictObject({
  apps: z.array(z.string().refine((v) => isDnsLabel(v), "must be DNS-1123 labels")),
  namespace: z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label"),
  platformNamespaces: z.array(z.string().refine((v) => isDnsLabel(v), "must be DNS-1123 labels")),
  portName: z.string().min(1),
  kubeApiUrl: z.string().regex(/^https:\/\/[A-Za-z0-9.:[\]-]+\/?$/, "must be https://host[:port]"),
  kubeTokenFile: z.string().min(1),
  kubeCaFile: z.string().min(1),
  ...ETCD_SETTINGS,
  httpAddress: z.string().min(1),
  httpPort: z.number().int().min(0).max(65535),
  resyncSeconds: z.number().int().min(1).max(3600),
  ...LOG_LEVEL_SETTING,
});

export type RegistrarConfig = z.infer<typeof configSchema>;

export const DEFAULTS: Omit<RegistrarConfig, "namespace" | "etcdEndpoints"> = {
  apps: [],
  platformNamespaces: [],
  portName: "http",
  kubeApiUrl: "https://kubernetes.default.svc",
  kubeTokenFile: `${SERVICE_ACCOUNT_DIR}/token`,
  kubeCaFile: `${SERVICE_ACCOUNT_DIR}/ca.crt`,
  // Probes come from the kubelet to the pod IP, so the endpoint cannot be loopback-only.
  httpAddress: "0.0.0.0",
  httpPort: REGISTRAR_HTTP_PORT,
  resyncSeconds: 60,
  logLevel: "info",
};

const FLAGS: Flags<keyof RegistrarConfig> = {
  apps: {
    key: "apps",
    type: "list",
    help: "comma-separated apps managed besides those discovered from labelled slices",
  },
  namespace: { key: "namespace", type: "string", help: "namespace of the apps' Services" },
  "platform-namespaces": {
    key: "platformNamespaces",
    type: "list",
    help: "comma-separated namespaces of routed platform Services (switchyard.io/route-app)",
  },
  "port-name": { key: "portName", type: "string", help: "EndpointSlice port name that members use" },
  "kube-api": { key: "kubeApiUrl", type: "string", help: "Kubernetes API base URL" },
  "kube-token-file": {
    key: "kubeTokenFile",
    type: "string",
    help: "service-account token (re-read per request)",
  },
  "kube-ca-file": { key: "kubeCaFile", type: "string", help: "CA bundle of the Kubernetes API" },
  ...ETCD_FLAGS,
  "http-address": { key: "httpAddress", type: "string", help: "address of /healthz, /metrics, /status" },
  "http-port": { key: "httpPort", type: "number", help: "port of /healthz, /metrics, /status (0: any)" },
  "resync-seconds": { key: "resyncSeconds", type: "number", help: "full reconcile at least this often" },
  ...LOG_LEVEL_FLAG,
};

export function usage(): string {
  const lines = [
    "Usage: switchyard-registrar [flags]",
    "",
    "Writes /switchyard/v1/members/<app>/<colour>/<id> in etcd from the EndpointSlices of the apps'",
    "per-colour Services labelled switchyard.io/routed=true, and from the single-colour platform Services",
    "labelled switchyard.io/route-app in --platform-namespaces (see docs/registrar.md). Every flag can also be given as",
    "SWITCHYARD_REGISTRAR_<FLAG> (e.g. SWITCHYARD_REGISTRAR_ETCD_ENDPOINTS); flags win.",
    "",
    "  --help                        print this help",
  ];
  return [...lines, ...flagUsage(FLAGS, DEFAULTS, 28)].join("\n");
}

export type ConfigResult = FlagsConfigResult<RegistrarConfig>;

export function loadConfig(argv: string[], env: Record<string, string | undefined>): ConfigResult {
  const parsed = parseFlags(argv, FLAGS);
  if ("error" in parsed) return { kind: "error", message: parsed.error };
  const { values } = parsed;
  if (values.help) return { kind: "help" };
  const given = flagSettings(FLAGS, (name) => {
    const flag = values[name];
    return typeof flag === "string" ? flag : env[registrarEnvName(name)];
  });
  const result = configSchema.safeParse({ ...DEFAULTS, ...given });
  if (!result.success) return { kind: "error", message: describeIssues(result.error) };
  return { kind: "config", config: result.data };
}
