/**
 * Registrar configuration: flags, each also settable as SWITCHYARD_REGISTRAR_<FLAG> in the
 * environment (how the Deployment passes it); flags win. Pure: argv and env in, config out.
 */
import { z } from "zod";
import { REGISTRAR_HTTP_PORT } from "../../model/ports";
import { registrarEnvName } from "../../model/registrar";
import { isDnsLabel } from "../../model/validators";
import {
  COMMON_FLAGS,
  COMMON_SETTINGS,
  flagSettings,
  flagUsage,
  parseFlags,
  validated,
} from "../runtime/flags";
import type { ConfigResult as FlagsConfigResult, Flags } from "../runtime/flags";

const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

const configSchema = z.strictObject({
  apps: z.array(z.string().refine((v) => isDnsLabel(v), "must be DNS-1123 labels")),
  namespace: z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label"),
  platformNamespaces: z.array(z.string().refine((v) => isDnsLabel(v), "must be DNS-1123 labels")),
  portName: z.string().min(1),
  kubeApiUrl: z.string().regex(/^https:\/\/[A-Za-z0-9.:[\]-]+\/?$/, "must be https://host[:port]"),
  kubeTokenFile: z.string().min(1),
  kubeCaFile: z.string().min(1),
  ...COMMON_SETTINGS,
  resyncSeconds: z.number().int().min(1).max(3600),
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
  ...COMMON_FLAGS,
  "resync-seconds": { key: "resyncSeconds", type: "number", help: "full reconcile at least this often" },
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
  if ("result" in parsed) return parsed.result;
  const { values } = parsed;
  const given = flagSettings(FLAGS, (name) => {
    const flag = values[name];
    return typeof flag === "string" ? flag : env[registrarEnvName(name)];
  });
  return validated(configSchema, { ...DEFAULTS, ...given });
}
