/**
 * `release --status APP`: what the routing tier is doing with an app, from etcd — the desired route
 * (which colour should be live) and, per HAProxy host, what its agent reports: the colour it
 * serves, the etcd revision it has applied, servers UP per colour and any refusal. The view
 * `kubectl argo rollouts get rollout` gives for a rollout.
 */
import type { Etcd3 } from "etcd3";
import {
  agentStatusPrefix,
  parseAgentStatus,
  parseRoute,
  routeKey,
  type Colour,
} from "../../../model/etcd/schema";

export interface HostStatus {
  agentId: string;
  appliedRevision: number;
  updatedAt: string;
  /** Absent when the agent has not picked the route up yet. */
  liveColour?: Colour;
  desiredColour?: Colour;
  state?: string;
  reason?: string;
  up: Record<Colour, { up: number; total: number }>;
  lastError?: string;
}

export interface AppStatus {
  app: string;
  host: string;
  desired?: { liveColour: Colour; modRevision: number };
  hosts: HostStatus[];
  /** Agent status records that failed to parse (reported, not hidden). */
  unreadable: string[];
}

export async function readAppStatus(client: Etcd3, app: string, host: string): Promise<AppStatus> {
  const routeRes = await client.get(routeKey(host)).exec();
  const kv = routeRes.kvs[0];
  let desired: AppStatus["desired"];
  if (kv) {
    const parsed = parseRoute(kv.value, host);
    if (parsed.ok) desired = { liveColour: parsed.value.liveColour, modRevision: Number(kv.mod_revision) };
  }
  const statuses = await client.getAll().prefix(agentStatusPrefix).strings();
  const hosts: HostStatus[] = [];
  const unreadable: string[] = [];
  for (const [key, raw] of Object.entries(statuses).sort(([a], [b]) => a.localeCompare(b))) {
    const parsed = parseAgentStatus(raw);
    if (!parsed.ok) {
      unreadable.push(`${key}: ${parsed.error.code}: ${parsed.error.message}`);
      continue;
    }
    const s = parsed.value;
    const route = s.routes[host];
    const health = (c: Colour) => s.backends[`${app}/${c}`] ?? { up: 0, total: 0 };
    hosts.push({
      agentId: s.agentId,
      appliedRevision: s.appliedRevision,
      updatedAt: s.updatedAt,
      liveColour: route?.liveColour,
      desiredColour: route?.desiredColour,
      state: route?.state,
      reason: route?.reason,
      up: { blue: health("blue"), green: health("green") },
      lastError: s.lastError,
    });
  }
  return { app, host, desired, hosts, unreadable };
}

export function renderAppStatus(s: AppStatus): string {
  const lines = [
    `${s.app} (${s.host}): desired live colour ${s.desired ? `${s.desired.liveColour} (route revision ${s.desired.modRevision})` : "unknown: no route in etcd"}`,
    "",
    `  ${"HOST".padEnd(16)} ${"LIVE".padEnd(6)} ${"STATE".padEnd(8)} ${"REVISION".padEnd(9)} ${"BLUE UP".padEnd(8)} GREEN UP`,
  ];
  for (const h of s.hosts) {
    const ratio = (c: Colour) => `${h.up[c].up}/${h.up[c].total}`;
    lines.push(
      `  ${h.agentId.padEnd(16)} ${(h.liveColour ?? "-").padEnd(6)} ${(h.state ?? "absent").padEnd(8)} ${String(h.appliedRevision).padEnd(9)} ${ratio("blue").padEnd(8)} ${ratio("green")}`,
    );
    if (h.reason) lines.push(`    ${h.reason}`);
    if (h.lastError) lines.push(`    last error: ${h.lastError}`);
  }
  if (s.hosts.length === 0)
    lines.push("  no agent status in etcd (no HAProxy host is running, or none can reach etcd)");
  for (const u of s.unreadable) lines.push(`  unreadable status ${u}`);
  return lines.join("\n");
}
