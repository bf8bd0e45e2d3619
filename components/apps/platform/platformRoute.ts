/**
 * switchyard:apps:PlatformRoute — a platform service (Grafana, Graylog: one Deployment, no colours)
 * served through the HAProxy tier under its own host, from whichever namespace it lives in.
 *
 * The one mechanism, in three touch points (docs/registrar.md, "Platform services"):
 *   1. the owning component labels the service's Service with `platformServiceLabels(app)` and
 *      names its port `http`;
 *   2. the stack passes the service to `registrarNamespaces()` for the MemberRegistrar, which gets
 *      a Role and RoleBinding to read EndpointSlices in that namespace (and only there);
 *   3. `new PlatformRoute(...)` writes the route record.
 *
 * A single-colour service fits the blue-green record as a route pinned to PLATFORM_COLOUR (blue):
 * both colours carry the same backend spec, only blue ever has members, and the record never
 * flips. The agent, the schema and the claim rules stay as they are: a platform route is admitted,
 * gated (`pulumi up` waits until every agent sees `minHealthy` servers UP) and refused on a host or
 * app conflict exactly like an app's route.
 */
import * as pulumi from "@pulumi/pulumi";
import { PLATFORM_COLOUR, platformServiceLabels } from "../../../model/labels";
import { isDnsLabel, isHttpPath, isPort, isValidHostname } from "../../../model/validators";
import { Route } from "../route/route";
import type { RouteArgs } from "../route/route";
import type { RouteInputs } from "../route/operations";
import type { EtcdConnectionArgs, GateArgs } from "../types";

export { platformServiceLabels };

export interface PlatformServiceArgs {
  /** The route's app: names the HAProxy backends and the members; the Service's ROUTE_APP_LABEL. */
  app: string;
  /** Virtual host the HAProxy tier serves the service under. */
  host: string;
  /** The Service's namespace: `key` names the registrar's Role there, `name` is the namespace. */
  namespace: { key: string; name: pulumi.Input<string> };
  /** Container port behind the Service's port named `http` (HAProxy reaches the pods directly). */
  port: number;
  /** HTTP path HAProxy checks on every pod (2xx/3xx: healthy). */
  healthCheckPath: string;
  /** Servers UP that the agents require before serving the host; default 1. */
  minHealthy?: number;
}

function assertPlatformService(s: PlatformServiceArgs): void {
  const problems = [
    isDnsLabel(s.app) ? undefined : `app ${JSON.stringify(s.app)} must be a DNS-1123 label`,
    isValidHostname(s.host) ? undefined : `host ${JSON.stringify(s.host)} must be a lower-case DNS hostname`,
    isDnsLabel(s.namespace.key)
      ? undefined
      : `namespace key ${JSON.stringify(s.namespace.key)} must be a DNS-1123 label`,
    isPort(s.port) ? undefined : `port ${s.port} must be an integer 1-65535`,
    isHttpPath(s.healthCheckPath)
      ? undefined
      : `healthCheckPath ${JSON.stringify(s.healthCheckPath)} must be an absolute HTTP path`,
  ].filter((p): p is string => p !== undefined);
  if (problems.length > 0) throw new Error(`platform service ${s.app}: ${problems.join("; ")}`);
}

/** A platform service's route: pinned to PLATFORM_COLOUR, the same backend for both colours. */
export function platformRoute(
  s: PlatformServiceArgs,
): Pick<RouteInputs, "host" | "app" | "live" | "backends" | "minHealthy"> {
  assertPlatformService(s);
  const backend = { port: s.port, healthCheckPath: s.healthCheckPath };
  return {
    host: s.host,
    app: s.app,
    live: PLATFORM_COLOUR,
    backends: { blue: backend, green: backend },
    minHealthy: s.minHealthy ?? 1,
  };
}

/** The registrar's platformNamespaces for these services (one entry per namespace). */
export function registrarNamespaces(services: PlatformServiceArgs[]): Record<string, pulumi.Input<string>> {
  return Object.fromEntries(services.map((s) => [s.namespace.key, s.namespace.name]));
}

export interface PlatformRouteArgs {
  service: PlatformServiceArgs;
  etcd: EtcdConnectionArgs;
  gate?: GateArgs;
}

export class PlatformRoute extends pulumi.ComponentResource {
  readonly route: Route;

  constructor(name: string, args: PlatformRouteArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:apps:PlatformRoute", name, {}, opts);
    const route: RouteArgs = { ...platformRoute(args.service), etcd: args.etcd, gate: args.gate };
    this.route = new Route(name, route, { parent: this });
    this.registerOutputs({ host: args.service.host, routeKey: this.route.key });
  }
}
