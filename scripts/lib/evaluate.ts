/**
 * Runs the real index.ts under Pulumi's mock runtime and records every registered resource with
 * its type, name, parent, options and inputs, plus the stack outputs. One evaluation per process:
 * the Pulumi runtime keeps global state.
 */
import { KEEP_TRACES } from "./traces";
import * as pulumi from "@pulumi/pulumi";
import { mockCall, mockResource } from "./mocks";
import type { StackConfig } from "./stackConfig";

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** Parent URN; undefined for the stack itself. */
  parent?: string;
  custom: boolean;
  /** Provider reference (`urn::id`) for custom resources that name one. */
  provider?: string;
  inputs: Record<string, unknown>;
  options: {
    protect: boolean;
    retainOnDelete: boolean;
    deleteBeforeReplace: boolean;
    ignoreChanges: string[];
    replaceOnChanges: string[];
    dependsOn: string[];
    /** URNs this resource was known by before (`aliases`), resolved as the engine resolves them. */
    aliases: string[];
  };
}

/** A data-source call the program made (getAmi, getPolicyDocument, ...), with its arguments. */
export interface Lookup {
  token: string;
  inputs: Record<string, unknown>;
}

export interface Evaluation {
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  /** Every lookup, sorted, so tests can check what the program asked AWS for. */
  lookups: Lookup[];
}

export const SECRET_PLACEHOLDER = "[secret]";
const SIG_KEY = pulumi.runtime.specialSigKey;
const SECRET_SIG = pulumi.runtime.specialSecretSig;

/** Replaces secrets by a placeholder and drops what is noise in a plan (dynamic provider code). */
export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value && typeof value === "object") {
    const obj = value as Record<string, unknown>;
    if (obj[SIG_KEY] === SECRET_SIG) return SECRET_PLACEHOLDER;
    if (pulumi.asset.Asset.isInstance(value) || pulumi.asset.Archive.isInstance(value))
      return describeAsset(value);
    return Object.fromEntries(
      Object.entries(obj)
        .filter(([k]) => k !== "__provider")
        .map(([k, v]) => [k, redact(v)]),
    );
  }
  return value;
}

function describeAsset(value: unknown): Record<string, unknown> {
  const v = value as { path?: Promise<string>; text?: Promise<string> };
  return { asset: v.path ? "file" : v.text ? "text" : "archive" };
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getProtect(): boolean | undefined;
  getRetainondelete(): boolean | undefined;
  getDeletebeforereplace(): boolean;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDependenciesList(): string[];
  getAliasesList(): AliasMessage[];
  getAliasurnsList(): string[];
  getObject(): unknown;
}

interface AliasMessage {
  getUrn(): string;
  getSpec():
    | {
        getName(): string;
        getType(): string;
        getStack(): string;
        getProject(): string;
        getParenturn(): string;
        getNoparent(): boolean;
      }
    | undefined;
}

/** The type part of a URN as the mock monitor builds it: the parent's own type, `$`, the type. */
export function urnType(parentUrn: string | undefined, type: string): string {
  return parentUrn ? `${parentUrn.split("::")[2].split("$").pop()}$${type}` : type;
}

/** An alias as the URN it stands for: fields left empty default to the resource's own. */
export function aliasUrn(
  alias: AliasMessage,
  own: { stack: string; project: string; type: string; name: string; parent?: string },
): string {
  const spec = alias.getSpec();
  if (!spec) return alias.getUrn();
  const parent = spec.getNoparent() ? undefined : spec.getParenturn() || own.parent;
  const type = urnType(parent, spec.getType() || own.type);
  return `urn:pulumi:${spec.getStack() || own.stack}::${spec.getProject() || own.project}::${type}::${spec.getName() || own.name}`;
}

/**
 * The SDK records a stack trace for every resource (its source position, for the engine) and for
 * every promise it creates (a leak-debugging aid); the mock monitor discards both, and formatting
 * them was a large share of the plan's CPU. Off while the program runs (see ./traces); errors
 * thrown meanwhile carry their message only, unless SWITCHYARD_PLAN_TRACES=1.
 */
function skipStackCapture(): () => void {
  if (KEEP_TRACES) return () => undefined;
  const limit = Error.stackTraceLimit;
  (pulumi.Resource as unknown as { callsites: () => unknown[] }).callsites = () => [];
  Error.stackTraceLimit = 0;
  return () => {
    Error.stackTraceLimit = limit;
  };
}

export async function evaluateProgram(
  stack: string,
  config: StackConfig,
  programPath: string,
): Promise<Evaluation> {
  const region = config.values["aws:region"] ?? "eu-west-1";
  const restoreStacks = skipStackCapture();
  pulumi.runtime.setAllConfig(config.values, config.secretKeys);
  const lookups: Lookup[] = [];
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => mockResource(args, region),
      call: (args) => {
        lookups.push({ token: args.token, inputs: redact(args.inputs) as Record<string, unknown> });
        return mockCall(args, region);
      },
    },
    "switchyard",
    stack,
    false,
  );

  // Wrap the mock monitor to see what it does not pass to mocks: parent and resource options.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- the monitor's gRPC types are internal
  const monitor = pulumi.runtime.getMonitor() as any;
  const resources: PlannedResource[] = [];
  const order: Promise<void>[] = [];
  const original = monitor.registerResource.bind(monitor);
  monitor.registerResource = (
    req: unknown,
    callback: (err: unknown, resp?: { getUrn(): string }) => void,
  ) => {
    const r = req as RegisterRequest;
    let settle: () => void = () => undefined;
    order.push(new Promise<void>((res) => (settle = res)));
    return original(req, (err: unknown, resp?: { getUrn(): string }) => {
      if (!err && resp) {
        const inputs = pulumi.runtime.deserializeProperties(r.getObject() as never, false) as Record<
          string,
          unknown
        >;
        resources.push({
          urn: resp.getUrn(),
          type: r.getType(),
          name: r.getName(),
          parent: r.getParent() || undefined,
          custom: r.getCustom(),
          provider: r.getProvider() || undefined,
          inputs: redact(inputs) as Record<string, unknown>,
          options: {
            protect: r.getProtect() === true,
            retainOnDelete: r.getRetainondelete() === true,
            deleteBeforeReplace: r.getDeletebeforereplace() === true,
            ignoreChanges: r.getIgnorechangesList(),
            replaceOnChanges: r.getReplaceonchangesList(),
            dependsOn: r.getDependenciesList(),
            aliases: [
              ...r.getAliasurnsList(),
              ...r.getAliasesList().map((a) =>
                aliasUrn(a, {
                  stack,
                  project: "switchyard",
                  type: r.getType(),
                  name: r.getName(),
                  parent: r.getParent() || undefined,
                }),
              ),
            ],
          },
        });
      }
      settle();
      callback(err, resp);
    });
  };
  // The stack's outputs keep their secretness only on the wire, so read them there.
  let outputs: Record<string, unknown> = {};
  const originalOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (req: unknown, callback: (err: unknown) => void) => {
    const r = req as {
      getUrn(): string;
      getOutputs(): { toJavaScript(): Record<string, unknown> } | undefined;
    };
    if (r.getUrn().includes("::pulumi:pulumi:Stack::")) {
      outputs = redact(pulumi.runtime.deserializeProperties(r.getOutputs() as never, false)) as Record<
        string,
        unknown
      >;
    }
    return originalOutputs(req, callback);
  };

  // require, not import(): a dynamic import sends every module the program loads through the ESM
  // loader hooks, a synchronous round trip to their worker per module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
  await pulumi.runtime.runInPulumiStack(async () => require(programPath) as unknown);
  await pulumi.runtime.disconnect();
  restoreStacks();
  await Promise.all(order);
  resources.sort((a, b) => a.urn.localeCompare(b.urn));
  const lookupKey = (l: Lookup) => `${l.token} ${JSON.stringify(l.inputs)}`;
  lookups.sort((a, b) => lookupKey(a).localeCompare(lookupKey(b)));
  return { stack, resources, outputs, lookups };
}
