/** Parsers for Runtime API answers (pure, so they are unit-tested against captured output). */
import type { BackendHealth, HealthCheck } from "../../../model/etcd/schema";
import type { SlotState } from "./layout";

/** Admin-state bits meaning "in maintenance" (forced, inherited, resolution): SRV_ADMF_MAINT. */
const SRV_ADMF_MAINT = 0x23;
const SRV_ST_RUNNING = 2;
const CHK_RES_UNKNOWN = 0;

export interface ServerState extends SlotState {
  running: boolean;
  /** At least one health check has completed (HAProxy reports unchecked servers as UP too). */
  checked: boolean;
  checkHealth: number;
}

/**
 * `show servers state` → servers per backend, indexed by slot (s1 is index 0). This one compact
 * answer gives both the slot contents and the health, so the agent never needs the large `show stat`.
 */
export function parseServersState(text: string): Map<string, ServerState[]> {
  const result = new Map<string, ServerState[]>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const f = line.split(" ");
    if (f.length < 19) continue;
    const m = /^s(\d+)$/.exec(f[3]);
    if (!m) continue;
    const servers = result.get(f[1]) ?? [];
    servers[Number(m[1]) - 1] = {
      address: f[4],
      port: Number(f[18]),
      enabled: (Number(f[6]) & SRV_ADMF_MAINT) === 0,
      running: Number(f[5]) === SRV_ST_RUNNING,
      checked: Number(f[11]) !== CHK_RES_UNKNOWN,
      checkHealth: Number(f[12]),
    };
    result.set(f[1], servers);
  }
  return result;
}

/**
 * A server counts as up when HAProxy's checks have it UP, i.e. HAProxy sends it traffic: enabled,
 * running, health at or above `rise` (a single failed check, "UP 1/2", does not make it DOWN). A
 * server that has not completed a check yet, which HAProxy optimistically reports UP, does not count.
 */
export function backendHealth(servers: ServerState[], hc: HealthCheck): BackendHealth {
  const enabled = servers.filter((s) => s?.enabled);
  const up = enabled.filter((s) => s.running && s.checked && s.checkHealth >= hc.rise);
  return { up: up.length, total: enabled.length };
}

/** `show map <file>` → host → backend. */
export function parseMap(text: string): Map<string, string> {
  const entries = new Map<string, string>();
  for (const line of text.split("\n")) {
    const f = line.split(" ");
    if (f.length === 3 && f[0].startsWith("0x")) entries.set(f[1], f[2]);
  }
  return entries;
}
