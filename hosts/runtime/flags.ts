/**
 * Command-line flags shared by the agent and the registrar: each flag sets one config key and
 * is parsed as text, then coerced; validation stays with each program's own schema.
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import type { EtcdConnection } from "../../model/etcd/connection";

export interface Flag<K extends string = string> {
  key: K;
  type: "string" | "number" | "list";
  help: string;
}

export type Flags<K extends string> = Record<string, Flag<K>>;

/** Config keys both programs use to reach etcd. */
const ETCD_SETTINGS = {
  etcdEndpoints: z
    .array(z.string().regex(/^https?:\/\/[A-Za-z0-9.:[\]-]+$/, "must be http(s)://host:port"))
    .min(1),
  etcdCaFile: z.string().optional(),
  etcdCertFile: z.string().optional(),
  etcdKeyFile: z.string().optional(),
};
type EtcdSettings = z.infer<z.ZodObject<typeof ETCD_SETTINGS>>;

/** The connection both programs open from their etcd settings. */
export function etcdConnectionOf(c: EtcdSettings): EtcdConnection {
  return {
    endpoints: c.etcdEndpoints,
    caFile: c.etcdCaFile,
    certFile: c.etcdCertFile,
    keyFile: c.etcdKeyFile,
  };
}

/** Config keys both programs have: etcd, the local status endpoint, the log level. */
export const COMMON_SETTINGS = {
  ...ETCD_SETTINGS,
  httpAddress: z.string().min(1),
  httpPort: z.number().int().min(0).max(65535),
  logLevel: z.enum(["debug", "info", "warn", "error"]),
};

/** The flags of the common settings, the same in both programs. */
export const COMMON_FLAGS = {
  "etcd-endpoints": { key: "etcdEndpoints", type: "list", help: "comma-separated etcd URLs" },
  "etcd-ca": { key: "etcdCaFile", type: "string", help: "CA bundle for etcd TLS" },
  "etcd-cert": { key: "etcdCertFile", type: "string", help: "client certificate for etcd mTLS" },
  "etcd-key": { key: "etcdKeyFile", type: "string", help: "client key for etcd mTLS" },
  "http-address": { key: "httpAddress", type: "string", help: "address of /healthz, /metrics, /status" },
  "http-port": { key: "httpPort", type: "number", help: "port of /healthz, /metrics, /status (0: any)" },
  "log-level": { key: "logLevel", type: "string", help: "debug, info, warn or error" },
} as const satisfies Flags<string>;

export type FlagValues = Record<string, string | boolean | undefined>;

/**
 * Parses argv: one text option per flag plus `--help` and any extra boolean/string options. What
 * ends there (a parse error, or `--help`) is returned as the program's result.
 */
export function parseFlags(
  argv: string[],
  flags: Flags<string>,
  extra: Record<string, { type: "string" | "boolean" }> = {},
): { values: FlagValues } | { result: ConfigResult<never> } {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        help: { type: "boolean" },
        ...extra,
        ...Object.fromEntries(Object.keys(flags).map((k) => [k, { type: "string" as const }])),
      },
      strict: true,
      allowPositionals: false,
    });
    return values.help ? { result: { kind: "help" } } : { values: values as FlagValues };
  } catch (e) {
    return { result: { kind: "error", message: (e as Error).message } };
  }
}

/** Config keys set by the given flag texts (`text(name)` is undefined where a flag is absent). */
export function flagSettings<K extends string>(
  flags: Flags<K>,
  text: (name: string) => string | undefined,
): Partial<Record<K, unknown>> {
  const settings: Partial<Record<K, unknown>> = {};
  for (const [name, f] of Object.entries(flags)) {
    const v = text(name);
    if (v === undefined || v === "") continue;
    settings[f.key] = f.type === "number" ? Number(v) : f.type === "list" ? v.split(",").filter(Boolean) : v;
  }
  return settings;
}

/** `--name  help [default]` lines, one per flag. */
export function flagUsage<K extends string>(
  flags: Flags<K>,
  defaults: Partial<Record<K, unknown>>,
  width: number,
): string[] {
  return Object.entries(flags).map(([name, f]) => {
    const def = defaults[f.key];
    return `  --${name.padEnd(width)}${f.help}${def === undefined ? "" : ` [${String(def)}]`}`;
  });
}

/** The config `schema` makes of `input`, or one line naming every invalid key and why. */
export function validated<C>(schema: z.ZodType<C>, input: unknown): ConfigResult<C> {
  const result = schema.safeParse(input);
  if (result.success) return { kind: "config", config: result.data };
  const message = result.error.issues.map((i) => `${i.path.join(".") || "(config)"}: ${i.message}`);
  return { kind: "error", message: message.join("; ") };
}

export type ConfigResult<C> =
  { kind: "help" } | { kind: "config"; config: C } | { kind: "error"; message: string };

/** What both programs do with their parsed command line: help, or an error and exit 2, or run. */
export function configOrExit<C>(
  program: string,
  result: ConfigResult<C>,
  usage: () => string,
): C | undefined {
  if (result.kind === "help") {
    console.log(usage());
    return undefined;
  }
  if (result.kind === "error") {
    console.error(`${program}: ${result.message}\n\n${usage()}`);
    process.exit(2);
  }
  return result.config;
}
