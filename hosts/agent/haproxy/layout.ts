/**
 * The structural part of the HAProxy configuration: which backends exist, their health checks and
 * how many server slots each has. Only a change here needs a reload; members move in and out of
 * pre-allocated slots through the Runtime API.
 */
import type { Colour } from "../../../model/etcd/schema";
import type { HaproxyBackend } from "../../../model/haproxyConfig";
import { backendName, endpointId } from "../desired";
import type { DesiredState, Endpoint } from "../desired";

export interface BackendLayout extends HaproxyBackend {
  app: string;
  colour: Colour;
}

/** Sorted by backend name. */
export type Layout = BackendLayout[];

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Slot counts only grow while a backend exists, so members leaving and coming back never cause a
 * reload; growth doubles so a scaling deployment reloads O(log n) times. Backends of routes that
 * went away stay (no host maps to them, their slots are in maintenance) until a reload is needed
 * for another reason, which drops them (`routedOnly`): removing a route, or bringing it back to
 * the same backends, is then Runtime API only.
 */
export function deriveLayout(desired: DesiredState, previous: Layout, minSlots: number): Layout {
  const prevSlots = new Map(previous.map((b) => [b.name, b.slots]));
  const layout = new Map(previous.map((b) => [b.name, b]));
  const routed = new Set<string>();
  for (const { route } of desired.routes) {
    for (const colour of ["blue", "green"] as const) {
      const name = backendName(route.app, colour);
      if (routed.has(name)) continue;
      routed.add(name);
      const members = desired.endpoints.get(name)?.length ?? 0;
      const slots = Math.max(prevSlots.get(name) ?? 0, minSlots, nextPowerOfTwo(members));
      const spec = route.backends[colour];
      layout.set(name, {
        name,
        app: route.app,
        colour,
        port: spec.port,
        healthCheck: spec.healthCheck,
        slots,
      });
    }
  }
  return [...layout.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/** The backends some route uses: what a reload renders. */
export function routedOnly(layout: Layout, desired: DesiredState): Layout {
  return layout.filter((b) => desired.endpoints.has(b.name));
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export interface SlotState {
  address: string;
  port: number;
  /** False when the slot is in maintenance (no member). */
  enabled: boolean;
}

/**
 * Places endpoints into slots, keeping every endpoint that already occupies a slot where it is, so
 * that a membership change touches only the slots that really change. Returns one entry per slot.
 */
export function assignSlots(
  slots: number,
  endpoints: Endpoint[],
  actual: SlotState[],
): (Endpoint | undefined)[] {
  const result: (Endpoint | undefined)[] = new Array(slots).fill(undefined);
  const wanted = new Map(endpoints.map((e) => [endpointId(e), e]));
  actual.slice(0, slots).forEach((s, i) => {
    const id = endpointId(s);
    if (s.enabled && wanted.has(id)) {
      result[i] = wanted.get(id);
      wanted.delete(id);
    }
  });
  const rest = [...wanted.values()];
  for (let i = 0; i < slots && rest.length > 0; i++) {
    if (result[i] === undefined) result[i] = rest.shift();
  }
  if (rest.length > 0) throw new Error(`${rest.length} endpoints do not fit into ${slots} slots`);
  return result;
}
