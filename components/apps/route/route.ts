/**
 * Route: an app's virtual host in etcd, flipped between colours with a health gate, confirmation
 * by every live agent and automatic return to the previous colour (see operations.ts).
 * `pulumi preview` shows a flip as an in-place update: `~ live: "blue" => "green"`.
 */
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "../../../model/validators";
import { ModuleProviderResource } from "../../common/dynamicProvider";
import type { EtcdConnectionArgs, GateArgs } from "../types";

const PROVIDER = { path: require.resolve("./provider"), exportName: "routeProvider" };

export const DEFAULT_GATE = { healthTimeoutSeconds: 120, verifyTimeoutSeconds: 60 } as const;

export interface RouteArgs {
  host: pulumi.Input<string>;
  app: pulumi.Input<string>;
  live: pulumi.Input<Colour>;
  backends: pulumi.Input<
    Record<Colour, pulumi.Input<{ port: pulumi.Input<number>; healthCheckPath: pulumi.Input<string> }>>
  >;
  minHealthy: pulumi.Input<number>;
  previewHost?: pulumi.Input<string>;
  /** HAProxy's health check timing; default every 2 s, 2 checks to rise, 2 to fall. */
  healthCheck?: pulumi.Input<{ intervalMs: number; rise: number; fall: number }>;
  etcd: EtcdConnectionArgs;
  gate?: GateArgs & { pollMs?: number };
}

/** Registered as `pulumi-nodejs:dynamic/switchyard:Route`. */
export class Route extends ModuleProviderResource {
  declare readonly key: pulumi.Output<string>;
  declare readonly live: pulumi.Output<Colour>;
  declare readonly modRevision: pulumi.Output<number>;
  /** ISO time of the last flip; undefined until the route first flips. */
  declare readonly flippedAt: pulumi.Output<string | undefined>;
  declare readonly previousColour: pulumi.Output<Colour | undefined>;

  constructor(name: string, args: RouteArgs, opts?: pulumi.CustomResourceOptions) {
    const gate = args.gate ?? {};
    const inputs = {
      host: args.host,
      app: args.app,
      live: args.live,
      backends: args.backends,
      minHealthy: args.minHealthy,
      previewHost: args.previewHost,
      healthCheck: args.healthCheck,
      etcd: {
        endpoints: args.etcd.endpoints,
        ca: args.etcd.ca,
        // The client key and certificate never appear in plain text in state or in a plan.
        cert: args.etcd.cert === undefined ? undefined : pulumi.secret(args.etcd.cert),
        key: args.etcd.key === undefined ? undefined : pulumi.secret(args.etcd.key),
      },
      gate: {
        healthTimeoutMs: (gate.healthTimeoutSeconds ?? DEFAULT_GATE.healthTimeoutSeconds) * 1000,
        verifyTimeoutMs: (gate.verifyTimeoutSeconds ?? DEFAULT_GATE.verifyTimeoutSeconds) * 1000,
        pollMs: gate.pollMs ?? 250,
        smokeCheckUrls: gate.smokeCheckUrls ?? [],
      },
      key: undefined,
      modRevision: undefined,
      flippedAt: undefined,
      previousColour: undefined,
    };
    // A replacement (the app behind a host changes) must remove the old record before writing the
    // new one: create refuses a key that already exists, as it would an edit made outside the stack.
    super(PROVIDER, { module: "switchyard", type: "Route" }, name, inputs, {
      ...opts,
      additionalSecretOutputs: ["etcd"],
      deleteBeforeReplace: true,
    });
  }
}
