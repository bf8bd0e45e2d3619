/**
 * Turns the validated etcd records into the desired routing state. Records are parsed once when they
 * arrive (see KvStore) so that a flip never re-validates a thousand unchanged routes.
 */
import { otherColour } from "../../model/validators";
import { parseKey, parseMember, parseRoute } from "../../model/etcd/schema";
import type { Colour, Member, Parsed, RejectedRecord, Route } from "../../model/etcd/schema";
import { contains, parseCidr } from "../../model/cidr";

export type EtcdRecord =
  | { kind: "route"; host: string; modRevision: number; parsed: Parsed<Route> }
  | { kind: "member"; app: string; colour: Colour; modRevision: number; parsed: Parsed<Member> }
  | { kind: "invalid"; modRevision: number; reason: string };

/** Parses one etcd key/value into a record; never throws. */
export function parseRecord(key: string, value: Buffer | string, modRevision: number): EtcdRecord {
  const k = parseKey(key);
  if (!k.ok) return { kind: "invalid", modRevision, reason: k.error.message };
  switch (k.value.kind) {
    case "route":
      return { kind: "route", host: k.value.host, modRevision, parsed: parseRoute(value, k.value.host) };
    case "member":
      return {
        kind: "member",
        app: k.value.app,
        colour: k.value.colour,
        modRevision,
        parsed: parseMember(value),
      };
    case "agent":
      return { kind: "invalid", modRevision, reason: "agent status keys are not routing records" };
  }
}

export interface Endpoint {
  address: string;
  port: number;
}

export function endpointId(e: Endpoint): string {
  return `${e.address}:${e.port}`;
}

export interface DesiredRoute {
  route: Route;
  modRevision: number;
}

export interface DesiredState {
  /** Sorted by host. */
  routes: DesiredRoute[];
  /** Endpoints per backend name, sorted and de-duplicated; every routed app has both colours. */
  endpoints: Map<string, Endpoint[]>;
  rejected: RejectedRecord[];
}

export function backendName(app: string, colour: Colour): string {
  return `be_${app}_${colour}`;
}

const sameBackends = (a: Route, b: Route) => JSON.stringify(a.backends) === JSON.stringify(b.backends);

export interface DesiredOptions {
  /**
   * Ranges member addresses must fall in. HAProxy sends internet traffic to members, so a member
   * at 127.0.0.1 (the agent's own endpoints), 169.254.169.254 (instance metadata) or any outside
   * address is refused, whoever managed to write it.
   */
  memberCidrs: readonly string[];
}

export function buildDesired(records: Map<string, EtcdRecord>, opts: DesiredOptions): DesiredState {
  const allowed = opts.memberCidrs.map((c) => {
    const parsed = parseCidr(c);
    if (!parsed) throw new Error(`invalid member CIDR ${JSON.stringify(c)}`);
    return parsed;
  });
  const rejected: RejectedRecord[] = [];
  const byApp = new Map<string, Route>();
  const hostsTaken = new Set<string>();
  const routes: DesiredRoute[] = [];
  const keys = [...records.keys()].sort();
  const routeRecords: { key: string; host: string; route: Route; modRevision: number }[] = [];
  for (const key of keys) {
    const rec = records.get(key)!;
    if (rec.kind === "invalid") rejected.push({ key, reason: rec.reason });
    else if (!rec.parsed.ok)
      rejected.push({ key, reason: `${rec.parsed.error.code}: ${rec.parsed.error.message}` });
    else if (rec.kind === "route") {
      routeRecords.push({ key, host: rec.host, route: rec.parsed.value, modRevision: rec.modRevision });
      hostsTaken.add(rec.host);
    }
  }
  const previewTaken = new Set<string>();
  for (const { key, route, modRevision } of routeRecords) {
    const first = byApp.get(route.app);
    if (first && !sameBackends(first, route)) {
      rejected.push({
        key,
        reason: `app ${route.app} is already routed by ${first.host} with different backends`,
      });
      continue;
    }
    if (route.previewHost && (hostsTaken.has(route.previewHost) || previewTaken.has(route.previewHost))) {
      rejected.push({ key, reason: `previewHost ${route.previewHost} is already in use` });
      continue;
    }
    if (route.previewHost) previewTaken.add(route.previewHost);
    byApp.set(route.app, first ?? route);
    routes.push({ route, modRevision });
  }

  const endpoints = new Map<string, Endpoint[]>();
  for (const route of byApp.values()) {
    for (const colour of [route.liveColour, otherColour(route.liveColour)]) {
      endpoints.set(backendName(route.app, colour), []);
    }
  }
  for (const key of keys) {
    const rec = records.get(key)!;
    if (rec.kind !== "member" || !rec.parsed.ok) continue;
    const route = byApp.get(rec.app);
    if (!route) continue;
    const address = parseCidr(`${rec.parsed.value.address}/32`);
    if (!address || !allowed.some((range) => contains(range, address))) {
      rejected.push({
        key,
        reason: `invalid: member address ${rec.parsed.value.address} is outside the allowed ranges (${opts.memberCidrs.join(", ")})`,
      });
      continue;
    }
    const list = endpoints.get(backendName(rec.app, rec.colour))!;
    list.push({
      address: rec.parsed.value.address,
      port: rec.parsed.value.port ?? route.backends[rec.colour].port,
    });
  }
  for (const [name, list] of endpoints) {
    const unique = new Map(list.map((e) => [endpointId(e), e]));
    endpoints.set(
      name,
      [...unique.keys()].sort().map((id) => unique.get(id)!),
    );
  }
  return { routes, endpoints, rejected };
}
