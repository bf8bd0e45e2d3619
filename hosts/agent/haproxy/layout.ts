/**
 * The structural part of the HAProxy configuration: which backends exist, their health checks and
 * how many server slots each has. Only a change here needs a reload; members move in and out of
 * pre-allocated slots through the Runtime API.
 */
import type { Colour, HealthCheck } from "../../../model/etcd/schema";
import type { HaproxyBackend } from "../../../model/haproxyConfig";
import { backendName, endpointId } from "../desired";
import type { DesiredState, Endpoint } from "../desired";

export interface BackendLayout extends HaproxyBackend {
  /** The app this backend serves; unset for a spare that is free. */
  app?: string;
  colour: Colour;
}

/** Sorted by backend name. */
export type Layout = BackendLayout[];

/**
 * Spare pairs: backends rendered ahead of need, with names no app can have (app names are DNS
 * labels, backendName starts with `be_`), bound to a new app's route at run time. A binding is
 * layout state, persisted with the layout, and lasts until the app's route goes away.
 */
export function spareName(index: number, colour: Colour): string {
  return `spare_${index}_${colour}`;
}

const SPARE = /^spare_(\d+)_(blue|green)$/;

function spareIndex(name: string): number | undefined {
  const m = SPARE.exec(name);
  return m ? Number(m[1]) : undefined;
}

/** The spare pool a reload renders: `pairs` free pairs, each slot count and check timing. */
export interface SparePool {
  pairs: number;
  slots: number;
  /** A new route fits a spare without a reload only if its check timing is this one. */
  check: Omit<HealthCheck, "path">;
}

/** The logical backend (`be_<app>_<colour>`, what desired state uses) → the HAProxy backend. */
export function boundNames(layout: Layout): Map<string, string> {
  return new Map(
    layout.filter((b) => b.app !== undefined).map((b) => [backendName(b.app!, b.colour), b.name]),
  );
}

function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * Slot counts only grow while a backend exists, so members leaving and coming back never cause a
 * reload; growth doubles so a scaling deployment reloads O(log n) times. A new app takes a free
 * spare pair (no reload when its slots and check timing fit); a spare whose app lost its route is
 * free again at once. App-named backends of routes that went away stay (no host maps to them,
 * their slots are in maintenance) until a reload is needed for another reason, which drops them
 * (`forReload`): removing a route, or bringing it back to the same backends, is Runtime API only.
 */
export function deriveLayout(desired: DesiredState, previous: Layout, minSlots: number): Layout {
  const layout = new Map(previous.map((b) => [b.name, b]));
  const bound = boundNames(previous);
  const apps = new Map(desired.routes.map(({ route }) => [route.app, route]));
  for (const b of previous) {
    if (b.app !== undefined && spareIndex(b.name) !== undefined && !apps.has(b.app)) {
      layout.set(b.name, { ...b, app: undefined });
    }
  }
  const free = [...new Set(previous.map((b) => spareIndex(b.name)))]
    .filter((i): i is number => i !== undefined)
    .filter((i) => (["blue", "green"] as const).every((c) => layout.get(spareName(i, c))?.app === undefined))
    .sort((a, b) => a - b);
  for (const [app, route] of apps) {
    const isNew = !bound.has(backendName(app, "blue")) && !layout.has(backendName(app, "blue"));
    const spare = isNew ? free.shift() : undefined;
    for (const colour of ["blue", "green"] as const) {
      const logical = backendName(app, colour);
      const name = bound.get(logical) ?? (spare !== undefined ? spareName(spare, colour) : logical);
      const members = desired.endpoints.get(logical)?.length ?? 0;
      const slots = Math.max(layout.get(name)?.slots ?? 0, minSlots, nextPowerOfTwo(members));
      const spec = route.backends[colour];
      layout.set(name, { name, app, colour, port: spec.port, healthCheck: spec.healthCheck, slots });
    }
  }
  return [...layout.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * What a reload renders: the backends some route uses, and spares (free or bound) topped up to
 * `pool.pairs` free pairs; app-named backends of removed routes and surplus free spares go.
 */
export function forReload(layout: Layout, desired: DesiredState, pool: SparePool): Layout {
  const routed = (b: BackendLayout) =>
    b.app !== undefined && desired.endpoints.has(backendName(b.app, b.colour));
  const kept = layout.filter((b) => routed(b) || (spareIndex(b.name) !== undefined && b.app === undefined));
  const freeIndexes = [
    ...new Set(kept.filter((b) => b.app === undefined).map((b) => spareIndex(b.name)!)),
  ].sort((a, b) => a - b);
  const keepFree = new Set(freeIndexes.slice(0, pool.pairs));
  const result = kept.filter((b) => b.app !== undefined || keepFree.has(spareIndex(b.name)!));
  const used = new Set(result.map((b) => spareIndex(b.name)).filter((i) => i !== undefined));
  for (let i = 1, added = keepFree.size; added < pool.pairs; i++) {
    if (used.has(i)) continue;
    for (const colour of ["blue", "green"] as const) {
      result.push({
        name: spareName(i, colour),
        colour,
        port: 80,
        healthCheck: { path: "/", ...pool.check },
        slots: pool.slots,
      });
    }
    added++;
  }
  return result.sort((a, b) => (a.name < b.name ? -1 : 1));
}

/**
 * What only a reload changes: which backends exist, their slot counts and check timing. Ports and
 * check paths are not (slots get address and port at run time; the check path is read from the
 * checks map), nor which app a backend serves.
 */
export function sameStructure(a: Layout, b: Layout): boolean {
  const shape = (l: Layout) =>
    JSON.stringify(
      l.map((x) => [x.name, x.slots, x.healthCheck.intervalMs, x.healthCheck.rise, x.healthCheck.fall]),
    );
  return shape(a) === shape(b);
}

export function sameLayout(a: Layout, b: Layout): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Spare pairs in the layout that no app is bound to. */
export function freeSparePairs(layout: Layout): number {
  return layout.filter((b) => b.colour === "blue" && b.app === undefined && spareIndex(b.name) !== undefined)
    .length;
}

/** Backend → health-check path: the checks map HAProxy reads the path from. */
export function checkPaths(layout: Layout): Map<string, string> {
  return new Map(layout.map((b) => [b.name, b.healthCheck.path]));
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
