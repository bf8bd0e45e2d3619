/**
 * The versioned etcd key space shared by switchyard-agent (reader of routes and members, writer of
 * status) and the Pulumi Route resource (writer of routes, reader of status). Every value is JSON and
 * is validated strictly: route and member values end up inside haproxy.cfg and the hosts map, so a
 * value that could inject a line or a token is refused with a typed error, never "cleaned".
 */
import { isIPv4 } from "node:net";
import { z } from "zod";
import { isColour, isDnsLabel, isHttpPath, isPort, isValidHostname } from "../validators";
import type { Colour } from "../validators";

export type { Colour };

export const SCHEMA_VERSION = "v1";
export const keyspacePrefix = `/switchyard/${SCHEMA_VERSION}/`;
export const routesPrefix = `${keyspacePrefix}routes/`;
export const membersPrefix = `${keyspacePrefix}members/`;
export const agentStatusPrefix = `${keyspacePrefix}agents/`;

/** Larger values are rejected before parsing: a route is a few hundred bytes, status a few hundred KiB. */
export const MAX_ROUTE_BYTES = 4096;
export const MAX_MEMBER_BYTES = 512;
export const MAX_STATUS_BYTES = 1024 * 1024;

export type SchemaErrorCode = "bad-key" | "too-large" | "bad-json" | "invalid";

export interface SchemaError {
  code: SchemaErrorCode;
  message: string;
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: SchemaError };

export interface HealthCheck {
  /** HTTP path HAProxy requests on every server; 2xx/3xx means healthy. */
  path: string;
  intervalMs: number;
  rise: number;
  fall: number;
}

export interface BackendSpec {
  /** Default port of this colour's members, for members that carry none (e.g. the container port). */
  port: number;
  healthCheck: HealthCheck;
}

export interface Route {
  /** The virtual host (Host header, lower case, no port). Must equal the host in the key. */
  host: string;
  /** Application name; backends are named after it and members are stored under it. */
  app: string;
  liveColour: Colour;
  backends: Record<Colour, BackendSpec>;
  /** Agents refuse to point the host at a colour with fewer servers UP (as HAProxy checks see them). */
  minHealthy: number;
  /** Optional host that always serves the idle colour, for testing a release before the flip. */
  previewHost?: string;
}

export interface Member {
  /** IPv4 address of a node or pod serving the colour. */
  address: string;
  /** Overrides the colour's backend port for this member. */
  port?: number;
}

export type RouteState = "live" | "refused" | "pending";

export interface RouteStatus {
  desiredColour: Colour;
  /** Colour the host is served from on this agent; absent until first applied. */
  liveColour?: Colour;
  state: RouteState;
  reason?: string;
  /** etcd mod revision of the route record this entry reflects. */
  modRevision: number;
}

export interface BackendHealth {
  up: number;
  total: number;
}

export interface RejectedRecord {
  key: string;
  reason: string;
}

export interface AgentStatus {
  agentId: string;
  /** Highest etcd revision fully reflected in HAProxy. */
  appliedRevision: number;
  updatedAt: string;
  routes: Record<string, RouteStatus>;
  /** Keyed "app/colour". */
  backends: Record<string, BackendHealth>;
  rejected: RejectedRecord[];
  lastError?: string;
}

function assertKeyPart(ok: boolean, what: string, value: string): void {
  if (!ok) throw new Error(`invalid ${what} for an etcd key: ${JSON.stringify(value)}`);
}

export function routeKey(host: string): string {
  assertKeyPart(isValidHostname(host), "host", host);
  return `${routesPrefix}${host}`;
}

export function memberPrefix(app: string, colour?: Colour): string {
  assertKeyPart(isDnsLabel(app), "app", app);
  return colour === undefined ? `${membersPrefix}${app}/` : `${membersPrefix}${app}/${colour}/`;
}

export function memberKey(app: string, colour: Colour, id: string): string {
  assertKeyPart(isDnsLabel(id), "member id", id);
  return `${memberPrefix(app, colour)}${id}`;
}

export function agentStatusKey(agentId: string): string {
  assertKeyPart(isDnsLabel(agentId), "agent id", agentId);
  return `${agentStatusPrefix}${agentId}`;
}

export type ParsedKey =
  | { kind: "route"; host: string }
  | { kind: "member"; app: string; colour: Colour; id: string }
  | { kind: "agent"; agentId: string };

/** Classifies a key of the key space; keys with malformed parts are errors (reported, never applied). */
export function parseKey(key: string): Parsed<ParsedKey> {
  const fail = (message: string): Parsed<ParsedKey> => ({ ok: false, error: { code: "bad-key", message } });
  if (key.startsWith(routesPrefix)) {
    const host = key.slice(routesPrefix.length);
    return isValidHostname(host)
      ? { ok: true, value: { kind: "route", host } }
      : fail(`route key has an invalid host ${JSON.stringify(host)}`);
  }
  if (key.startsWith(membersPrefix)) {
    const parts = key.slice(membersPrefix.length).split("/");
    const [app, colour, id] = parts;
    if (parts.length !== 3 || !isDnsLabel(app) || !isColour(colour) || !isDnsLabel(id)) {
      return fail(`member key must be ${membersPrefix}<app>/<blue|green>/<id> with DNS-label parts`);
    }
    return { ok: true, value: { kind: "member", app, colour, id } };
  }
  if (key.startsWith(agentStatusPrefix)) {
    const agentId = key.slice(agentStatusPrefix.length);
    return isDnsLabel(agentId)
      ? { ok: true, value: { kind: "agent", agentId } }
      : fail(`agent status key has an invalid agent id`);
  }
  return fail(`key is outside ${keyspacePrefix}{routes,members,agents}/`);
}

const hostname = z.string().refine((v) => isValidHostname(v), "must be a lower-case DNS hostname");
const dnsLabel = z.string().refine((v) => isDnsLabel(v), "must be a DNS-1123 label");
const colour = z.custom<Colour>((v) => isColour(v), 'must be "blue" or "green"');
const port = z.custom<number>((v) => isPort(v), "must be an integer port 1-65535");
const int = (min: number, max: number) => z.number().int().min(min).max(max);

const healthCheckSchema = z.strictObject({
  path: z.string().refine((v) => isHttpPath(v), "must be an absolute HTTP path without spaces or quotes"),
  intervalMs: int(100, 60_000).default(2000),
  rise: int(1, 10).default(2),
  fall: int(1, 10).default(2),
});

const backendSchema = z.strictObject({ port, healthCheck: healthCheckSchema });

const routeSchema = z
  .strictObject({
    host: hostname,
    app: dnsLabel,
    liveColour: colour,
    backends: z.strictObject({ blue: backendSchema, green: backendSchema }),
    minHealthy: int(0, 1000).default(1),
    previewHost: hostname.optional(),
  })
  .refine((r) => r.previewHost !== r.host, {
    message: "previewHost must differ from host",
    path: ["previewHost"],
  });

const memberSchema = z.strictObject({
  address: z.string().refine((v) => isIPv4(v), "must be an IPv4 address"),
  port: port.optional(),
});

const routeStatusSchema = z.strictObject({
  desiredColour: colour,
  liveColour: colour.optional(),
  state: z.enum(["live", "refused", "pending"]),
  reason: z.string().max(1024).optional(),
  modRevision: int(0, Number.MAX_SAFE_INTEGER),
});

const agentStatusSchema = z.strictObject({
  agentId: dnsLabel,
  appliedRevision: int(0, Number.MAX_SAFE_INTEGER),
  updatedAt: z.string().max(64),
  routes: z.record(z.string(), routeStatusSchema),
  backends: z.record(z.string(), z.strictObject({ up: int(0, 1e6), total: int(0, 1e6) })),
  rejected: z.array(z.strictObject({ key: z.string().max(1024), reason: z.string().max(1024) })),
  lastError: z.string().max(4096).optional(),
});

function parseJson<T>(schema: z.ZodType<T>, raw: string | Buffer, maxBytes: number): Parsed<T> {
  const size = typeof raw === "string" ? Buffer.byteLength(raw) : raw.length;
  if (size > maxBytes) {
    return { ok: false, error: { code: "too-large", message: `value is ${size} bytes, limit ${maxBytes}` } };
  }
  let json: unknown;
  try {
    json = JSON.parse(raw.toString());
  } catch (e) {
    return { ok: false, error: { code: "bad-json", message: (e as Error).message } };
  }
  const result = schema.safeParse(json);
  if (result.success) return { ok: true, value: result.data };
  const message = result.error.issues
    .map((i) => `${i.path.length > 0 ? i.path.join(".") : "(value)"}: ${i.message}`)
    .join("; ");
  return { ok: false, error: { code: "invalid", message } };
}

/** Parses a route value; pass the host from the key to require that the value names the same host. */
export function parseRoute(raw: string | Buffer, expectedHost?: string): Parsed<Route> {
  const parsed = parseJson(routeSchema, raw, MAX_ROUTE_BYTES);
  if (parsed.ok && expectedHost !== undefined && parsed.value.host !== expectedHost) {
    return {
      ok: false,
      error: { code: "invalid", message: `host: must equal the key's host ${expectedHost}` },
    };
  }
  return parsed as Parsed<Route>;
}

export function parseMember(raw: string | Buffer): Parsed<Member> {
  return parseJson(memberSchema, raw, MAX_MEMBER_BYTES) as Parsed<Member>;
}

export function parseAgentStatus(raw: string | Buffer): Parsed<AgentStatus> {
  return parseJson(agentStatusSchema, raw, MAX_STATUS_BYTES) as Parsed<AgentStatus>;
}

function serialize<T>(parse: (raw: string) => Parsed<T>, value: unknown): string {
  const raw = JSON.stringify(value);
  const parsed = parse(raw);
  if (!parsed.ok) throw new Error(`refusing to serialize an invalid value: ${parsed.error.message}`);
  return JSON.stringify(parsed.value);
}

/** A route as a writer may give it: health check timings and `minHealthy` may be left to defaults. */
export type RouteInput = z.input<typeof routeSchema>;

/** Validates and returns the canonical JSON (defaults filled in); throws on an invalid route. */
export function serializeRoute(route: RouteInput): string {
  return serialize((raw) => parseRoute(raw), route);
}

export function serializeMember(member: Member): string {
  return serialize(parseMember, member);
}

export function serializeAgentStatus(status: AgentStatus): string {
  return serialize(parseAgentStatus, status);
}
