/**
 * Decisions, kept pure: which host points at which backend (with the minHealthy guard), and which
 * Runtime API commands turn the running HAProxy into the desired one.
 */
import { COLOURS, otherColour } from "../../model/validators";
import { backendName, endpointId } from "./desired";
import type { DesiredRoute, Endpoint } from "./desired";
import type { SlotState } from "./haproxy/layout";
import type { BackendHealth, Colour, RouteStatus } from "../../model/etcd/schema";

export interface RouteDecision {
  /** host → backend, the map HAProxy should serve. */
  entries: Map<string, string>;
  statuses: Record<string, RouteStatus>;
}

/**
 * A host already served keeps its current backend unless the desired colour has at least
 * `minHealthy` servers UP; the refusal is reported. A host not served yet has nothing to protect,
 * so it is pointed at the desired colour at once and reported "pending" until that colour is healthy.
 * The preview host always follows the colour that is not live on this agent.
 */
export function decideRoutes(
  routes: DesiredRoute[],
  applied: Map<string, string>,
  health: Map<string, BackendHealth>,
  /** Backends HAProxy runs, when it cannot run all desired ones (structural change failed). */
  available?: Set<string>,
  /** The HAProxy backend of an app's colour (a spare bound to the app, or `be_<app>_<colour>`). */
  backendOf: (app: string, colour: Colour) => string = backendName,
): RouteDecision {
  const entries = new Map<string, string>();
  const statuses: Record<string, RouteStatus> = {};
  for (const { route, modRevision, note } of routes) {
    if (available && !available.has(backendOf(route.app, route.liveColour))) {
      // Its backends are not in HAProxy yet: keep whatever the host has now.
      for (const host of [route.host, route.previewHost]) {
        const current = host && applied.get(host);
        if (host && current) entries.set(host, current);
      }
      statuses[route.host] = {
        desiredColour: route.liveColour,
        ...(applied.has(route.host)
          ? { liveColour: COLOURS.find((c) => backendOf(route.app, c) === applied.get(route.host)) }
          : {}),
        state: "pending",
        reason: "waiting for a configuration HAProxy accepts (see lastError)",
        modRevision,
      };
      continue;
    }
    const target = backendOf(route.app, route.liveColour);
    const current = applied.get(route.host);
    const up = health.get(target)?.up ?? 0;
    const healthy = up >= route.minHealthy;
    const currentColour = COLOURS.find((c) => backendOf(route.app, c) === current);
    let live: Colour;
    if (current === target || healthy || currentColour === undefined) {
      live = route.liveColour;
      statuses[route.host] = {
        desiredColour: route.liveColour,
        liveColour: live,
        state: healthy || current === target ? "live" : "pending",
        ...(healthy || current === target
          ? note
            ? { reason: note }
            : {}
          : { reason: `${route.liveColour} has ${up} of ${route.minHealthy} required servers UP` }),
        modRevision,
      };
    } else {
      live = currentColour;
      statuses[route.host] = {
        desiredColour: route.liveColour,
        liveColour: live,
        state: "refused",
        reason: `refused to flip to ${route.liveColour}: ${up} of ${route.minHealthy} required servers UP; ${live} stays live`,
        modRevision,
      };
    }
    entries.set(route.host, backendOf(route.app, live));
    if (route.previewHost) entries.set(route.previewHost, backendOf(route.app, otherColour(live)));
  }
  return { entries, statuses };
}

/** Commands that move the running slots of one backend to the desired assignment. */
export function planServers(
  backend: string,
  desired: (Endpoint | undefined)[],
  actual: SlotState[],
): string[] {
  const commands: string[] = [];
  const n = Math.min(desired.length, actual.length);
  for (let i = 0; i < n; i++) {
    const [want, have, server] = [desired[i], actual[i], `${backend}/s${i + 1}`];
    if (!want) {
      if (have.enabled) commands.push(`set server ${server} state maint`);
      continue;
    }
    if (endpointId(want) !== endpointId(have)) {
      // Never let a live slot point at a half-updated address: take it out first.
      if (have.enabled) commands.push(`set server ${server} state maint`);
      commands.push(`set server ${server} addr ${want.address} port ${want.port}`);
      commands.push(`set server ${server} state ready`);
    } else if (!have.enabled) {
      commands.push(`set server ${server} state ready`);
    }
  }
  return commands;
}

/** Commands that turn the running map into the desired one; each `set map` is atomic per host. */
export function planMap(
  mapPath: string,
  desired: Map<string, string>,
  actual: Map<string, string>,
): string[] {
  const commands: string[] = [];
  for (const [host, backend] of desired) {
    const have = actual.get(host);
    if (have === undefined) commands.push(`add map ${mapPath} ${host} ${backend}`);
    else if (have !== backend) commands.push(`set map ${mapPath} ${host} ${backend}`);
  }
  for (const host of actual.keys()) {
    if (!desired.has(host)) commands.push(`del map ${mapPath} ${host}`);
  }
  return commands;
}
