/**
 * Turns the validated etcd records into the desired routing state. Records are parsed once when they
 * arrive (see KvStore) so that a flip never re-validates a thousand unchanged routes.
 */
import { otherColour } from "../../model/validators";
import { parseKey, parseMember, parseRoute } from "../../model/etcd/schema";
import type { Colour, Member, Parsed, RejectedRecord, Route } from "../../model/etcd/schema";
import { RouteClaims } from "../../model/etcd/claims";
import { contains, parseCidr } from "../../model/cidr";

/** Where a record sits in etcd's history: every agent sees the same numbers for the same record. */
export interface Revisions {
  modRevision: number;
  /** Revision that created the key; older records win conflicts. */
  createRevision: number;
}

export type EtcdRecord =
  | ({ kind: "route"; host: string; parsed: Parsed<Route> } & Revisions)
  | ({ kind: "member"; app: string; colour: Colour; parsed: Parsed<Member> } & Revisions)
  | ({ kind: "invalid"; reason: string } & Revisions);

/** Parses one etcd key/value into a record; never throws. */
export function parseRecord(
  key: string,
  value: Buffer | string,
  modRevision: number,
  createRevision = modRevision,
): EtcdRecord {
  const revs = { modRevision, createRevision };
  const k = parseKey(key);
  if (!k.ok) return { kind: "invalid", ...revs, reason: k.error.message };
  switch (k.value.kind) {
    case "route":
      return { kind: "route", host: k.value.host, ...revs, parsed: parseRoute(value, k.value.host) };
    case "member":
      return {
        kind: "member",
        app: k.value.app,
        colour: k.value.colour,
        ...revs,
        parsed: parseMember(value),
      };
    case "agent":
      return { kind: "invalid", ...revs, reason: "agent status keys are not routing records" };
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
  /** Set when the record's current value was rejected and its last accepted value still serves. */
  note?: string;
}

/** A route value the agent accepted, remembered so a bad update of its key cannot unroute the host. */
export interface AcceptedRoute extends Revisions {
  route: Route;
}

export interface DesiredState {
  /** Sorted by host. */
  routes: DesiredRoute[];
  /** Endpoints per backend name, sorted and de-duplicated; every routed app has both colours. */
  endpoints: Map<string, Endpoint[]>;
  rejected: RejectedRecord[];
  /** Route key → the value serving now; pass it back as `accepted` to the next build. */
  accepted: Map<string, AcceptedRoute>;
}

/**
 * The accepted values as the agent keeps them in its state directory, so that an agent restarted
 * while a key holds a bad value still serves that key's last accepted value.
 */
export function serializeAccepted(accepted: ReadonlyMap<string, AcceptedRoute>): string {
  return JSON.stringify([...accepted]);
}

/** The saved accepted values; anything that no longer validates is dropped, never trusted. */
export function parseAccepted(text: string): Map<string, AcceptedRoute> {
  const result = new Map<string, AcceptedRoute>();
  let entries: unknown;
  try {
    entries = JSON.parse(text);
  } catch {
    // Not JSON: nothing was saved that can be trusted.
  }
  if (!Array.isArray(entries)) return result;
  for (const entry of entries) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") continue;
    const [key, a] = entry as [string, Partial<AcceptedRoute>];
    const k = parseKey(key);
    if (!k.ok || k.value.kind !== "route" || !Number.isSafeInteger(a?.modRevision)) continue;
    if (!Number.isSafeInteger(a.createRevision)) continue;
    const route = parseRoute(JSON.stringify(a.route), k.value.host);
    if (route.ok) {
      result.set(key, { route: route.value, modRevision: a.modRevision!, createRevision: a.createRevision! });
    }
  }
  return result;
}

export function backendName(app: string, colour: Colour): string {
  return `be_${app}_${colour}`;
}

export interface DesiredOptions {
  /**
   * Ranges member addresses must fall in. HAProxy sends internet traffic to members, so a member
   * at 127.0.0.1 (the agent's own endpoints), 169.254.169.254 (instance metadata) or any outside
   * address is refused, whoever managed to write it.
   */
  memberCidrs: readonly string[];
}

/**
 * Routes are admitted oldest first (create revision, then key), so when two records claim the same
 * host, preview host or app, the one accepted first keeps serving and the newcomer is rejected, on
 * every agent alike and across restarts. A record whose current value is malformed, invalid or
 * conflicting keeps its last accepted value (`accepted`, from the previous build) live, as long as
 * the key was not deleted and created again since; the rejection is reported either way.
 */
export function buildDesired(
  records: Map<string, EtcdRecord>,
  opts: DesiredOptions,
  accepted: ReadonlyMap<string, AcceptedRoute> = new Map(),
): DesiredState {
  const allowed = opts.memberCidrs.map((c) => {
    const parsed = parseCidr(c);
    if (!parsed) throw new Error(`invalid member CIDR ${JSON.stringify(c)}`);
    return parsed;
  });
  const rejected: RejectedRecord[] = [];
  const byApp = new Map<string, Route>();
  const routes: DesiredRoute[] = [];
  // Every output below is sorted, so the records' order does not matter.
  const keys = [...records.keys()];
  const routeKeys: string[] = [];
  for (const key of keys) {
    const rec = records.get(key)!;
    if (rec.kind === "invalid") rejected.push({ key, reason: rec.reason });
    else if (rec.kind === "route") routeKeys.push(key);
    else if (!rec.parsed.ok)
      rejected.push({ key, reason: `${rec.parsed.error.code}: ${rec.parsed.error.message}` });
  }
  const byAge = (a: string, b: string) =>
    records.get(a)!.createRevision - records.get(b)!.createRevision || (a < b ? -1 : 1);
  const claims = new RouteClaims();
  const nowAccepted = new Map<string, AcceptedRoute>();
  for (const key of routeKeys.sort(byAge)) {
    const rec = records.get(key)! as Extract<EtcdRecord, { kind: "route" }>;
    let reason: string | undefined;
    if (!rec.parsed.ok) reason = `${rec.parsed.error.code}: ${rec.parsed.error.message}`;
    else {
      const conflict = claims.conflict(rec.parsed.value);
      if (conflict) reason = `${conflict}; the older record keeps it`;
      else
        admit(key, {
          route: rec.parsed.value,
          modRevision: rec.modRevision,
          createRevision: rec.createRevision,
        });
    }
    if (reason === undefined) continue;
    rejected.push({ key, reason });
    const last = accepted.get(key);
    if (last && last.createRevision === rec.createRevision && !claims.conflict(last.route)) {
      const note = `serving the last accepted value (revision ${last.modRevision}); revision ${rec.modRevision} was rejected: ${reason}`;
      admit(key, last, note.slice(0, 1024));
    }
  }
  function admit(key: string, a: AcceptedRoute, note?: string): void {
    claims.add(a.route);
    nowAccepted.set(key, a);
    byApp.set(a.route.app, byApp.get(a.route.app) ?? a.route);
    routes.push({ route: a.route, modRevision: a.modRevision, ...(note ? { note } : {}) });
  }
  routes.sort((a, b) => (a.route.host < b.route.host ? -1 : 1));

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
  rejected.sort((a, b) => (a.key < b.key ? -1 : 1));
  return { routes, endpoints, rejected, accepted: nowAccepted };
}
