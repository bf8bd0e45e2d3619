/**
 * The registrar's decisions as pure functions: which EndpointSlices it reads, which member records
 * they mean, and which etcd writes turn the stored members into those. Everything Kubernetes- or
 * etcd-facing lives in kube.ts and registrar.ts; this file is tested without either.
 */
import { createHash } from "node:crypto";
import { isIPv4 } from "node:net";
import { isColour, isDnsLabel } from "../../model/validators";
import type { Colour } from "../../model/validators";
import {
  APP_LABEL,
  colourObjectName,
  COLOUR_LABEL,
  PLATFORM_COLOUR,
  ROUTE_APP_LABEL,
  ROUTED_LABEL,
  ROUTED_VALUE,
  SERVICE_NAME_LABEL,
} from "../../model/labels";
import { memberKey, memberPrefix, parseKey, serializeMember } from "../../model/etcd/schema";

/** The subset of discovery.k8s.io/v1 EndpointSlice the registrar reads. */
export interface EndpointSlice {
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    resourceVersion?: string;
  };
  addressType: string;
  endpoints?: Endpoint[] | null;
  ports?: EndpointPort[] | null;
}

export interface Endpoint {
  addresses: string[];
  conditions?: { ready?: boolean | null; serving?: boolean | null; terminating?: boolean | null };
  targetRef?: { kind?: string; name?: string; namespace?: string };
}

export interface EndpointPort {
  name?: string | null;
  port?: number | null;
  protocol?: string | null;
}

/**
 * Server-side filter of the list and watch: the slices of Services labelled as routed, with an app
 * and a colour. Not a fixed list of apps: apps declared in app teams' own stacks are found this way.
 */
export function labelSelector(): string {
  return `${ROUTED_LABEL}=${ROUTED_VALUE},${APP_LABEL},${COLOUR_LABEL} in (blue,green)`;
}

/**
 * Server-side filter in the platform namespaces (`--platform-namespaces`): the slices of Services
 * labelled as routed with a route app, i.e. single-colour platform services such as Grafana.
 */
export function platformLabelSelector(): string {
  return `${ROUTED_LABEL}=${ROUTED_VALUE},${ROUTE_APP_LABEL}`;
}

export interface SliceOwner {
  app: string;
  colour: Colour;
  /** `<namespace>/<Service>`: one Service registers an app's colour (see `desiredMembers`). */
  service: string;
  /** A blue-green app's per-colour Service, or a platform service pinned to PLATFORM_COLOUR. */
  kind: "blue-green" | "platform";
}

/**
 * The app and colour a slice registers members for, or a reason it cannot. A blue-green slice must
 * carry the routed label, an app that is a DNS-1123 label and a colour, and belong to that colour's
 * own Service (`<app>-<colour>`): another Service that happens to carry the same labels (a metrics
 * Service, say) must not add its endpoints to the colour. A platform slice carries the routed label
 * and a route app (ROUTE_APP_LABEL); its members are the app's PLATFORM_COLOUR members.
 */
export function sliceOwner(slice: EndpointSlice): SliceOwner | { skip: string } | undefined {
  const labels = slice.metadata.labels ?? {};
  if (labels[ROUTED_LABEL] !== ROUTED_VALUE) return undefined;
  const service = labels[SERVICE_NAME_LABEL];
  const where = (name: string) => `${slice.metadata.namespace ?? ""}/${name}`;
  const routeApp = labels[ROUTE_APP_LABEL];
  if (routeApp !== undefined) {
    if (!isDnsLabel(routeApp))
      return { skip: `${ROUTE_APP_LABEL} ${JSON.stringify(routeApp)} is not a DNS-1123 label` };
    if (service === undefined) return { skip: `slice names no Service (${SERVICE_NAME_LABEL})` };
    return { app: routeApp, colour: PLATFORM_COLOUR, service: where(service), kind: "platform" };
  }
  const app = labels[APP_LABEL];
  const colour = labels[COLOUR_LABEL];
  if (app === undefined || !isColour(colour)) return undefined;
  if (!isDnsLabel(app)) return { skip: `app label ${JSON.stringify(app)} is not a DNS-1123 label` };
  if (service !== colourObjectName(app, colour))
    return { skip: `Service ${service ?? "(none)"} is not ${colourObjectName(app, colour)}` };
  return { app, colour, service: where(service), kind: "blue-green" };
}

/**
 * Which Service registers each app colour when several claim it (a platform service named like
 * an app, the same route app on two Services): the blue-green Service first, then the first by
 * `<namespace>/<Service>`. A fixed order, so two replicas with the same view agree.
 */
function registeringServices(owners: Iterable<SliceOwner>): Map<string, string> {
  const rank = (o: SliceOwner) => `${o.kind === "blue-green" ? 0 : 1}${o.service}`;
  const best = new Map<string, SliceOwner>();
  for (const o of owners) {
    const key = `${o.app}/${o.colour}`;
    const held = best.get(key);
    if (!held || rank(o) < rank(held)) best.set(key, o);
  }
  return new Map([...best].map(([key, o]) => [key, o.service]));
}

/**
 * Apps the given slices show: those with at least one slice of their own labelled per-colour
 * Service. The registrar adds these to the apps it manages (and never forgets one while running,
 * so an app whose Services are deleted has its members deleted too).
 */
export function discoveredApps(slices: Iterable<EndpointSlice>): Set<string> {
  const apps = new Set<string>();
  for (const slice of slices) {
    const owner = sliceOwner(slice);
    if (owner && !("skip" in owner)) apps.add(owner.app);
  }
  return apps;
}

/**
 * A pod is a member while it may take new connections. `serving` is readiness without the
 * terminating override (and equals `ready` on clusters that do not set it); a terminating pod is
 * dropped even while it still serves, so HAProxy stops sending it new work before it exits.
 */
export function isMemberEndpoint(endpoint: Endpoint): boolean {
  const c = endpoint.conditions ?? {};
  if (c.terminating === true) return false;
  return (c.serving ?? c.ready ?? true) !== false;
}

/**
 * The member id: the pod name when it is already a DNS-1123 label (Deployment pods are), otherwise
 * a readable label-safe prefix plus a hash of the full name, so two long names never collide. An
 * endpoint without a pod reference is named after its address.
 */
export function memberId(endpoint: Endpoint): string {
  const name = endpoint.targetRef?.kind === "Pod" ? endpoint.targetRef.name : undefined;
  if (!name) return `ip-${endpoint.addresses[0].replace(/\./g, "-")}`;
  if (isDnsLabel(name)) return name;
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  const stem = name
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 52)
    .replace(/-+$/, "");
  return stem ? `${stem}-${hash}` : `pod-${hash}`;
}

export interface SkippedSlice {
  slice: string;
  reason: string;
}

export interface DesiredMembers {
  /** Member key → canonical JSON value. */
  members: Map<string, string>;
  /** Slices that matched the selector but cannot yield members, with the reason (logged, counted). */
  skipped: SkippedSlice[];
}

/**
 * Member records the given slices call for. A slice counts when `sliceOwner` accepts it and its app
 * is managed; the member's port is the slice's port named `portName` (an EndpointSlice's port is
 * the Service's targetPort, the container port), because HAProxy talks to pods directly.
 */
export function desiredMembers(
  slices: Iterable<EndpointSlice>,
  apps: ReadonlySet<string>,
  portName: string,
): DesiredMembers {
  const members = new Map<string, string>();
  const skipped: SkippedSlice[] = [];
  const owned = [...slices].map((slice) => ({ slice, owner: sliceOwner(slice) }));
  const registering = registeringServices(
    owned.flatMap(({ owner }) => (owner && !("skip" in owner) ? [owner] : [])),
  );
  for (const { slice, owner } of owned) {
    if (owner === undefined) continue;
    const where = `${slice.metadata.namespace ?? ""}/${slice.metadata.name}`;
    if ("skip" in owner) {
      skipped.push({ slice: where, reason: owner.skip });
      continue;
    }
    const { app, colour } = owner;
    if (!apps.has(app)) continue;
    const winner = registering.get(`${app}/${colour}`);
    if (winner !== owner.service) {
      skipped.push({ slice: where, reason: `${app}/${colour} is registered from Service ${winner}` });
      continue;
    }
    if (slice.addressType !== "IPv4") {
      skipped.push({ slice: where, reason: `addressType ${slice.addressType}: members are IPv4` });
      continue;
    }
    const port = (slice.ports ?? []).find((p) => p.name === portName)?.port;
    if (typeof port !== "number") {
      if ((slice.endpoints ?? []).length > 0)
        skipped.push({ slice: where, reason: `no port named ${JSON.stringify(portName)}` });
      continue;
    }
    for (const endpoint of slice.endpoints ?? []) {
      const address = endpoint.addresses[0];
      if (!isMemberEndpoint(endpoint) || address === undefined || !isIPv4(address)) continue;
      members.set(memberKey(app, colour, memberId(endpoint)), serializeMember({ address, port }));
    }
  }
  return { members, skipped };
}

export interface MemberWrites {
  puts: { key: string; value: string }[];
  deletes: string[];
}

/**
 * The writes that make etcd hold exactly `desired` for the managed apps. `actual` may contain any
 * key under the member space: keys of other apps (or that are not member keys at all) are never
 * touched, so several writers can each own their apps.
 */
export function memberWrites(
  desired: ReadonlyMap<string, string>,
  actual: Readonly<Record<string, string>>,
  apps: ReadonlySet<string>,
): MemberWrites {
  const puts = [...desired]
    .filter(([key, value]) => actual[key] !== value)
    .map(([key, value]) => ({ key, value }));
  const deletes = Object.keys(actual).filter((key) => {
    if (desired.has(key)) return false;
    const parsed = parseKey(key);
    return parsed.ok && parsed.value.kind === "member" && apps.has(parsed.value.app);
  });
  return { puts: puts.sort((a, b) => a.key.localeCompare(b.key)), deletes: deletes.sort() };
}

/** The etcd prefixes the registrar reads back before diffing: one per managed app. */
export function managedPrefixes(apps: Iterable<string>): string[] {
  return [...apps].sort().map((app) => memberPrefix(app));
}
