/**
 * The Route's behaviour against etcd, loaded by the dynamic provider at run time (see provider.ts).
 * Every write is a compare-and-swap on the key's mod revision recorded in the Route's state, so a
 * route changed outside the stack is reported instead of overwritten. A flip is gated on the
 * agents' health reports, verified on every live agent, and reverted when verification fails.
 */
import * as http from "node:http";
import { Etcd3 } from "etcd3";
import type { IOptions } from "etcd3";
import {
  agentStatusPrefix,
  parseAgentStatus,
  parseKey,
  parseRoute,
  routeKey,
  routesPrefix,
  serializeRoute,
} from "../../../model/etcd/schema";
import { RouteClaims } from "../../../model/etcd/claims";
import type { Colour, Route, RouteInput } from "../../../model/etcd/schema";
import { explainEtcdError } from "../../../model/etcd/errors";
import { confirmation, healthGate } from "./gate";
import type { AgentReport, Verdict } from "./gate";

export interface EtcdConnection {
  endpoints: string[];
  /** PEM text. */
  ca?: string;
  cert?: string;
  key?: string;
}

export interface GateSettings {
  healthTimeoutMs: number;
  verifyTimeoutMs: number;
  pollMs: number;
  smokeCheckUrls: string[];
}

/** The Route's inputs as the provider receives them (plain values). */
export interface RouteInputs {
  host: string;
  app: string;
  live: Colour;
  backends: Record<Colour, { port: number; healthCheckPath: string }>;
  minHealthy: number;
  previewHost?: string;
  /** HAProxy's active health check timing; default every 2 s, 2 to rise, 2 to fall. */
  healthCheck?: { intervalMs: number; rise: number; fall: number };
  etcd: EtcdConnection;
  gate: GateSettings;
}

/** What the Route keeps in state: its inputs plus what the last write observed. */
export interface RouteOutputs extends RouteInputs {
  key: string;
  /** Mod revision of the key after our last write: the compare-and-swap guard. */
  modRevision: number;
  /** ISO time of the last flip and the colour it flipped away from (warm rollback). */
  flippedAt?: string;
  previousColour?: Colour;
}

export class RouteError extends Error {
  constructor(
    message: string,
    readonly reasons: string[] = [],
  ) {
    super(reasons.length > 0 ? `${message}:\n  - ${reasons.join("\n  - ")}` : message);
    this.name = "RouteError";
  }
}

/**
 * The record the agents read. Health check timing left out is filled in by the agent's schema
 * (serializeRoute), so its defaults live in one place.
 */
export function routeRecord(
  i: Pick<RouteInputs, "host" | "app" | "live" | "backends" | "minHealthy" | "previewHost" | "healthCheck">,
): RouteInput {
  const backend = (c: Colour) => ({
    port: i.backends[c].port,
    healthCheck: { path: i.backends[c].healthCheckPath, ...i.healthCheck },
  });
  return {
    host: i.host,
    app: i.app,
    liveColour: i.live,
    backends: { blue: backend("blue"), green: backend("green") },
    minHealthy: i.minHealthy,
    ...(i.previewHost ? { previewHost: i.previewHost } : {}),
  };
}

/** The compare-and-swap guard from the Route's state. */
function written(olds: RouteOutputs): Written {
  return { modRevision: olds.modRevision, record: routeRecord(olds) };
}

export function connect(c: EtcdConnection): Etcd3 {
  const options: IOptions = {
    hosts: c.endpoints,
    defaultCallOptions: (ctx) => (ctx.isStream ? {} : { deadline: Date.now() + 5000 }),
  };
  if (c.ca) {
    options.credentials = {
      rootCertificate: Buffer.from(c.ca),
      ...(c.cert && c.key ? { certChain: Buffer.from(c.cert), privateKey: Buffer.from(c.key) } : {}),
    };
  }
  return new Etcd3(options);
}

async function withClient<T>(c: EtcdConnection, fn: (client: Etcd3) => Promise<T>): Promise<T> {
  const client = connect(c);
  try {
    return await fn(client);
  } finally {
    client.close();
  }
}

/** Every live agent's status (the keys exist only while the agent's lease does). */
export async function readAgents(client: Etcd3): Promise<AgentReport[]> {
  const kvs = await client
    .getAll()
    .prefix(agentStatusPrefix)
    .buffers()
    .catch((e: unknown) => {
      throw explainEtcdError(e, "read the agents' status", {
        permission: "read",
        key: agentStatusPrefix,
        range: "prefix",
      });
    });
  return Object.entries(kvs)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, value]) => {
      const agentId = key.slice(agentStatusPrefix.length);
      const parsed = parseAgentStatus(value);
      return parsed.ok ? { agentId, status: parsed.value } : { agentId, error: parsed.error.message };
    });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until the verdict is ok or the deadline passes; returns the last verdict. */
async function poll(timeoutMs: number, pollMs: number, check: () => Promise<Verdict>): Promise<Verdict> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v.ok || Date.now() >= deadline) return v;
    await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
  }
}

function describeConflict(key: string, expected: number, current: Current): string {
  return current === undefined
    ? `route ${key} was deleted outside the stack (expected mod revision ${expected}); not recreating it. Run \`pulumi refresh\` to accept the change.`
    : `route ${key} was changed outside the stack (mod revision ${current.modRevision}, expected ${expected}); not overwriting it. Current value: ${current.value}. Run \`pulumi refresh\` to accept it or restore it by hand.`;
}

type Current = { value: string; modRevision: number } | undefined;
type Op = ReturnType<Etcd3["put"]> | ReturnType<ReturnType<Etcd3["delete"]>["key"]>;

/** One transaction: `op` if the key's mod revision is `expected` (0: absent), else read the key. */
async function guarded(
  client: Etcd3,
  key: string,
  expected: number,
  op: () => Op,
): Promise<{ revision: number } | { current: Current }> {
  const res = await client
    .if(key, expected === 0 ? "Create" : "Mod", "==", expected)
    .then(op())
    .else(client.get(key))
    .commit()
    .catch((e: unknown) => {
      throw explainEtcdError(e, `write the route ${key}`, { permission: "readwrite", key });
    });
  if (res.succeeded) return { revision: Number(res.header.revision) };
  const kv = res.responses[0]?.response_range?.kvs[0];
  return { current: kv ? { value: kv.value.toString(), modRevision: Number(kv.mod_revision) } : undefined };
}

/** What the Route's state says it last wrote. */
export interface Written {
  modRevision: number;
  /** The record at that revision; recognises our own revert (same record, newer revision). */
  record?: RouteInput;
}

/**
 * `op` guarded by compare-and-swap on what the stack last wrote. A failed release writes the
 * previous record back, but Pulumi keeps the state from before it, with an older mod revision: a
 * key whose value is exactly the recorded record is therefore not a change made outside the stack,
 * and the operation is retried once at its current revision.
 */
async function casCommit(
  client: Etcd3,
  key: string,
  written: Written,
  op: () => Op,
): Promise<{ revision: number } | { current: Current }> {
  const first = await guarded(client, key, written.modRevision, op);
  if ("revision" in first || !first.current || !written.record) return first;
  return first.current.value === serializeRoute(written.record)
    ? guarded(client, key, first.current.modRevision, op)
    : first;
}

/**
 * Writes `record` only if the key still holds what the stack last wrote (`modRevision` 0: the key
 * must not exist). Returns the new mod revision, or throws a RouteError describing the change made
 * outside the stack.
 */
export async function casPut(
  client: Etcd3,
  key: string,
  record: RouteInput,
  written: Written,
): Promise<number> {
  const value = serializeRoute(record);
  const res = await casCommit(client, key, written, () => client.put(key).value(value));
  if ("revision" in res) return res.revision;
  throw new RouteError(
    written.modRevision === 0
      ? `route ${key} already exists (mod revision ${res.current?.modRevision ?? "?"}), written outside this stack; not overwriting it: ${res.current?.value}`
      : describeConflict(key, written.modRevision, res.current),
  );
}

/**
 * Refuses, before anything is written, a record the agents would reject because another route
 * already claims its host, preview host or app (they keep the older record serving; see
 * model/etcd/claims.ts). Only a concurrent writer can slip past this check, and then the
 * agents still settle it in favour of the older record.
 */
export async function assertNoConflict(client: Etcd3, record: RouteInput): Promise<void> {
  const route = JSON.parse(serializeRoute(record)) as Route;
  const res = await client.getAll().prefix(routesPrefix).exec();
  const claims = new RouteClaims();
  for (const kv of [...res.kvs].sort((a, b) => Number(a.create_revision) - Number(b.create_revision))) {
    const key = parseKey(kv.key.toString());
    if (!key.ok || key.value.kind !== "route" || key.value.host === route.host) continue;
    const other = parseRoute(kv.value, key.value.host);
    if (other.ok) claims.add(other.value);
  }
  const conflict = claims.conflict(route);
  if (conflict) {
    throw new RouteError(`route ${route.host} conflicts with a route already in etcd; nothing was written`, [
      conflict,
    ]);
  }
}

function smokeRequest(
  url: string,
  host: string,
  path: string,
  timeoutMs: number,
): Promise<string | undefined> {
  return new Promise((resolve) => {
    const target = new URL(path, url);
    const req = http.get(target, { headers: { host }, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(
        code >= 200 && code < 400 ? undefined : `smoke check ${host}${path} via ${url} answered ${code}`,
      );
    });
    req.on("timeout", () => req.destroy(new Error(`timed out after ${timeoutMs} ms`)));
    req.on("error", (e) => resolve(`smoke check ${host}${path} via ${url} failed: ${e.message}`));
  });
}

/** The preview host serves the idle colour, i.e. the flip's target, before the flip. */
async function smokeCheck(i: RouteInputs, target: Colour): Promise<string[]> {
  if (i.gate.smokeCheckUrls.length === 0 || !i.previewHost) return [];
  const path = i.backends[target].healthCheckPath;
  const results = await Promise.all(
    i.gate.smokeCheckUrls.map((u) => smokeRequest(u, i.previewHost!, path, 5000)),
  );
  return results.filter((r): r is string => r !== undefined);
}

async function verify(
  client: Etcd3,
  i: RouteInputs,
  revision: number,
  allowNoAgents: boolean,
): Promise<Verdict> {
  return poll(i.gate.verifyTimeoutMs, i.gate.pollMs, async () =>
    confirmation(
      await readAgents(client),
      { host: i.host, app: i.app, target: i.live, minHealthy: i.minHealthy },
      revision,
      allowNoAgents,
    ),
  );
}

export async function create(i: RouteInputs): Promise<{ id: string; outs: RouteOutputs }> {
  const key = routeKey(i.host);
  return withClient(i.etcd, async (client) => {
    await assertNoConflict(client, routeRecord(i));
    const revision = await casPut(client, key, routeRecord(i), { modRevision: 0 });
    // A first publish has no previous colour to protect, so an empty fleet is not an error; but
    // agents that exist must serve it, otherwise the half-created route is withdrawn.
    const v = await verify(client, i, revision, true);
    if (!v.ok) {
      await client.if(key, "Mod", "==", revision).then(client.delete().key(key)).commit();
      throw new RouteError(
        `route ${i.host} → ${i.live} was not confirmed by every agent; withdrawn`,
        v.reasons,
      );
    }
    return { id: key, outs: { ...i, key, modRevision: revision } };
  });
}

/** Fields whose change means a different etcd key or backend names: a new Route. */
const REPLACE_KEYS = ["host", "app"] as const;
const ROUTE_KEYS = ["live", "backends", "minHealthy", "previewHost", "healthCheck"] as const;
const STATE_KEYS = ["etcd", "gate"] as const;

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function diff(
  olds: RouteOutputs,
  news: RouteInputs,
): {
  changes: boolean;
  replaces: string[];
  detailedDiff: Record<string, { kind: "update" | "update-replace"; inputDiff: boolean }>;
} {
  const detailedDiff: Record<string, { kind: "update" | "update-replace"; inputDiff: boolean }> = {};
  const replaces: string[] = [];
  for (const k of REPLACE_KEYS) {
    if (!same(olds[k], news[k])) {
      replaces.push(k);
      detailedDiff[k] = { kind: "update-replace", inputDiff: true };
    }
  }
  for (const k of [...ROUTE_KEYS, ...STATE_KEYS]) {
    if (!same(olds[k], news[k])) detailedDiff[k] = { kind: "update", inputDiff: true };
  }
  return { changes: Object.keys(detailedDiff).length > 0, replaces, detailedDiff };
}

async function revert(client: Etcd3, olds: RouteOutputs, i: RouteInputs, revision: number): Promise<string> {
  // The whole previous record, not just its colour: a failed update leaves etcd as it found it.
  const previous: RouteInputs = { ...olds, etcd: i.etcd, gate: i.gate };
  try {
    const back = await casPut(client, olds.key, routeRecord(previous), { modRevision: revision });
    const v = await verify(client, previous, back, false);
    return v.ok
      ? `route returned to ${olds.live} (revision ${back}), confirmed by every agent`
      : `route returned to ${olds.live} (revision ${back}); not yet confirmed: ${v.reasons.join("; ")}`;
  } catch (e) {
    return `could not return the route to ${olds.live}: ${(e as Error).message}`;
  }
}

export async function update(
  _id: string,
  olds: RouteOutputs,
  i: RouteInputs,
): Promise<{ outs: RouteOutputs }> {
  const key = olds.key;
  return withClient(i.etcd, async (client) => {
    const flipping = olds.live !== i.live;
    const routeChanged = ROUTE_KEYS.some((k) => !same(olds[k], i[k]));
    if (!routeChanged) return { outs: { ...olds, etcd: i.etcd, gate: i.gate } };
    await assertNoConflict(client, routeRecord(i));

    if (flipping) {
      const gate = await poll(i.gate.healthTimeoutMs, i.gate.pollMs, async () =>
        healthGate(await readAgents(client), i.app, i.live, i.minHealthy),
      );
      const smoke = gate.ok ? await smokeCheck(i, i.live) : [];
      if (!gate.ok || smoke.length > 0) {
        throw new RouteError(
          `refused to flip ${i.host} from ${olds.live} to ${i.live}; ${olds.live} stays live`,
          [...gate.reasons, ...smoke],
        );
      }
    }
    const revision = await casPut(client, key, routeRecord(i), written(olds));
    const v = await verify(client, i, revision, !flipping);
    if (!v.ok) {
      const what = flipping ? `flip of ${i.host} from ${olds.live} to ${i.live}` : `update of ${i.host}`;
      const outcome = await revert(client, olds, i, revision);
      throw new RouteError(`${what} was not confirmed by every agent (${outcome})`, v.reasons);
    }
    const flip = flipping ? { flippedAt: new Date().toISOString(), previousColour: olds.live } : {};
    const kept = { flippedAt: olds.flippedAt, previousColour: olds.previousColour };
    return { outs: { ...i, key, modRevision: revision, ...(flipping ? flip : stripUndefined(kept)) } };
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export async function remove(_id: string, olds: RouteOutputs): Promise<void> {
  await withClient(olds.etcd, async (client) => {
    const res = await casCommit(client, olds.key, written(olds), () => client.delete().key(olds.key));
    // Deleted, or already gone: the desired end state either way.
    if ("revision" in res || res.current === undefined) return;
    throw new RouteError(describeConflict(olds.key, olds.modRevision, res.current));
  });
}

/** `pulumi refresh`: adopt what etcd holds now (including its mod revision), or report it gone. */
export async function read(id: string, olds: RouteOutputs): Promise<{ id?: string; props?: RouteOutputs }> {
  return withClient(olds.etcd, async (client) => {
    const res = await client
      .get(id)
      .exec()
      .catch((e: unknown) => {
        throw explainEtcdError(e, `read the route ${id}`, { permission: "read", key: id });
      });
    const kv = res.kvs[0];
    if (!kv) return {};
    const parsed = parseRoute(kv.value, olds.host);
    if (!parsed.ok) throw new RouteError(`route ${id} holds an invalid record: ${parsed.error.message}`);
    const r = parsed.value;
    const backends = {
      blue: { port: r.backends.blue.port, healthCheckPath: r.backends.blue.healthCheck.path },
      green: { port: r.backends.green.port, healthCheckPath: r.backends.green.healthCheck.path },
    };
    const props: RouteOutputs = {
      ...olds,
      live: r.liveColour,
      backends,
      minHealthy: r.minHealthy,
      modRevision: Number(kv.mod_revision),
    };
    if (r.previewHost) props.previewHost = r.previewHost;
    else delete props.previewHost;
    const { intervalMs, rise, fall } = r.backends[r.liveColour].healthCheck;
    // Keep the state free of timing the program never set, unless etcd now holds other timing.
    const defaults = JSON.parse(serializeRoute(routeRecord({ ...olds, healthCheck: undefined }))) as Route;
    const { path: _path, ...defaultTiming } = defaults.backends[r.liveColour].healthCheck;
    if (olds.healthCheck || !same({ intervalMs, rise, fall }, defaultTiming))
      props.healthCheck = { intervalMs, rise, fall };
    return { id, props };
  });
}
