/** Parsers for Runtime API answers (pure, so they are unit-tested against captured output). */
import type { BackendHealth } from "../schema";
import type { SlotState } from "./layout";

/** Admin-state bits meaning "in maintenance" (forced, inherited, resolution): SRV_ADMF_MAINT. */
const SRV_ADMF_MAINT = 0x23;

/** `show servers state` → slots per backend, ordered by slot number (s1, s2, ...). */
export function parseServersState(text: string): Map<string, SlotState[]> {
  const result = new Map<string, SlotState[]>();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#") || !line.includes(" ")) continue;
    const f = line.split(" ");
    const [backend, server, address, admin, port] = [f[1], f[3], f[4], Number(f[6]), Number(f[18])];
    const m = /^s(\d+)$/.exec(server);
    if (!m) continue;
    const slots = result.get(backend) ?? [];
    slots[Number(m[1]) - 1] = { address, port, enabled: (admin & SRV_ADMF_MAINT) === 0 };
    result.set(backend, slots);
  }
  return result;
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

const PASSED_CHECKS = new Set(["L4OK", "L6OK", "L7OK"]);

/**
 * `show stat` CSV → health per backend. A server counts as up only when HAProxy reports it plainly
 * "UP" after a passed check: "UP 1/2" (failing) and a fresh server that has not been checked yet
 * (check status INI, which HAProxy nevertheless reports as UP) do not count.
 */
export function parseHealth(csv: string): Map<string, BackendHealth> {
  const lines = csv.split("\n");
  const header = (lines[0] ?? "").replace(/^# /, "").split(",");
  const col = (name: string) => header.indexOf(name);
  const [px, sv, status, check] = [col("pxname"), col("svname"), col("status"), col("check_status")];
  const result = new Map<string, BackendHealth>();
  for (const line of lines.slice(1)) {
    const f = line.split(",");
    if (f.length < header.length - 1 || f[sv] === "BACKEND" || f[sv] === "FRONTEND") continue;
    const h = result.get(f[px]) ?? { up: 0, total: 0 };
    if (!f[status].startsWith("MAINT")) h.total++;
    if (f[status] === "UP" && PASSED_CHECKS.has(f[check])) h.up++;
    result.set(f[px], h);
  }
  return result;
}
