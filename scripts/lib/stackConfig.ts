/**
 * Reads a stack's configuration the way the Pulumi CLI hands it to a program: project defaults
 * from Pulumi.yaml overlaid by Pulumi.<stack>.yaml, objects as JSON text, secure values marked.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { parse } from "yaml";
import { UsageError } from "./cli";

export interface StackConfig {
  values: Record<string, string>;
  /** Keys whose values are Pulumi secrets (`secure:` in the stack file). */
  secretKeys: string[];
}

/** Offline there is no key to decrypt `secure:` values; a recognisable stand-in keeps them secret. */
export const MOCK_SECRET_VALUE = "mock-secret-value";

export function readStackConfig(root: string, stackFile: string): StackConfig {
  const project = parse(readFileSync(join(root, "Pulumi.yaml"), "utf8")) as {
    name: string;
    config?: Record<string, { default?: unknown }>;
  };
  const stack = readYaml(stackFile) as { config?: Record<string, unknown> };
  const values: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, decl] of Object.entries(project.config ?? {})) {
    if (decl && typeof decl === "object" && "default" in decl)
      values[qualify(project.name, key)] = encode(decl.default);
  }
  for (const [key, value] of Object.entries(stack.config ?? {})) {
    const fullKey = qualify(project.name, key);
    if (value && typeof value === "object" && "secure" in value) {
      values[fullKey] = MOCK_SECRET_VALUE;
      secretKeys.push(fullKey);
    } else {
      // `pulumi config set --secret --path a.b` nests a secure value inside an object: the CLI
      // decrypts it in place and marks the whole key secret.
      const nested = { found: false };
      values[fullKey] = encode(replaceSecure(value, nested));
      if (nested.found) secretKeys.push(fullKey);
    }
  }
  return { values, secretKeys };
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, "utf8")) ?? {};
  } catch (e) {
    throw new UsageError(`${basename(file)} is not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
}

function qualify(project: string, key: string): string {
  return key.includes(":") ? key : `${project}:${key}`;
}

function encode(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The stack name and file a command line names; a mistake is a UsageError. */
export function resolveStack(
  root: string,
  flags: { stack?: string; "stack-file"?: string },
): { stack: string; stackFile: string } {
  if (flags["stack-file"]) {
    const stackFile = resolve(flags["stack-file"]);
    if (!existsSync(stackFile)) throw new UsageError(`no such stack file ${flags["stack-file"]}`);
    const named = /^Pulumi\.([^.]+)\.ya?ml$/.exec(basename(stackFile))?.[1];
    const stack = flags.stack ?? named;
    if (!stack)
      throw new UsageError(
        `cannot name the stack from ${basename(stackFile)}: expected a file named Pulumi.<name>.yaml, or pass --stack <name>`,
      );
    return { stack, stackFile };
  }
  const stack = flags.stack ?? "prod";
  const stackFile = resolve(root, `Pulumi.${stack}.yaml`);
  if (!existsSync(stackFile)) {
    const known = readdirSync(root)
      .map((f) => /^Pulumi\.([^.]+)\.yaml$/.exec(f)?.[1])
      .filter((s): s is string => s !== undefined);
    throw new UsageError(
      `unknown stack ${JSON.stringify(stack)} (expected one of ${known.join(", ")}: a Pulumi.<name>.yaml beside Pulumi.yaml, or use --stack-file)`,
    );
  }
  return { stack, stackFile };
}

function replaceSecure(value: unknown, nested: { found: boolean }): unknown {
  if (Array.isArray(value)) return value.map((v) => replaceSecure(v, nested));
  if (value && typeof value === "object") {
    if ("secure" in value && Object.keys(value).length === 1) {
      nested.found = true;
      return MOCK_SECRET_VALUE;
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSecure(v, nested)]));
  }
  return value;
}
