/** How big each colour's fleet is. Pure. */
import type { EdgeConfig } from "../config/areas/edge";
import { COLOURS, type Colour } from "../../model/validators";

export interface FleetSize {
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
}

/**
 * The live fleet gets `live`; the other one is pinned at idleFleetSize (0 by default: it costs
 * nothing until a swap). Its maxSize stays at the live maximum so an instance refresh of a raised
 * idle fleet can still launch replacements before it terminates.
 */
export function fleetSizes(
  edge: Pick<EdgeConfig, "liveFleet" | "live" | "idleFleetSize">,
): Record<Colour, FleetSize> {
  const idle: FleetSize = {
    minSize: edge.idleFleetSize,
    desiredCapacity: edge.idleFleetSize,
    maxSize: Math.max(edge.idleFleetSize, edge.live.maxSize),
  };
  return Object.fromEntries(
    COLOURS.map((c) => [c, c === edge.liveFleet ? { ...edge.live } : idle]),
  ) as Record<Colour, FleetSize>;
}
