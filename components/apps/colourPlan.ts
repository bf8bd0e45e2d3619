/**
 * Which size each colour runs at, decided from the desired live colour and the time of the last
 * flip (recorded by the Route in its state). Pure, so that the warm-rollback rules are unit-tested.
 *
 * - live: its configured replicas, raised to the autoscaling floor so a promoted colour takes the
 *   traffic at the strength the previous colour had been kept at.
 * - warm: the colour that was live until a flip less than scaleDownDelaySeconds ago keeps its full
 *   size (its declared floor; only the live colour has an autoscaler) so flipping back needs no
 *   rollout.
 * - idle: otherwise the other colour runs idleReplicas (default 0).
 *
 * The scale-down happens on the first `pulumi up` after the delay has passed: the component reads
 * `flippedAt` from the Route's state, so nothing else has to run in the cluster.
 */
import { otherColour } from "../../model/validators";
import type { AutoscalingArgs, Colour } from "./types";

export type ColourRole = "live" | "warm" | "idle";

export interface ColourPlan {
  role: ColourRole;
  replicas: number;
  /** HPA bounds when the colour is autoscaled (live and warm colours only). */
  autoscaling?: { minReplicas: number; maxReplicas: number; targetCpuPercent: number };
}

export interface ColourPlanInput {
  live: Colour;
  replicas: Record<Colour, number>;
  idleReplicas: number;
  scaleDownDelaySeconds: number;
  autoscaling?: AutoscalingArgs;
  /** ISO time of the last flip, from the Route's state; undefined if it never flipped. */
  flippedAt?: string;
  /** Colour that was live before that flip. */
  previousColour?: Colour;
  now: number;
}

export const DEFAULT_SCALE_DOWN_DELAY_SECONDS = 1800;

/** True while the colour that was live before the last flip must stay at full size. */
export function isWarm(flippedAt: string | undefined, scaleDownDelaySeconds: number, now: number): boolean {
  if (flippedAt === undefined) return false;
  const at = Date.parse(flippedAt);
  return Number.isFinite(at) && now - at < scaleDownDelaySeconds * 1000;
}

function serving(role: "live" | "warm", replicas: number, autoscaling?: AutoscalingArgs): ColourPlan {
  if (!autoscaling) return { role, replicas };
  const floor = Math.max(replicas, autoscaling.minReplicas);
  return {
    role,
    replicas: floor,
    autoscaling: {
      minReplicas: floor,
      maxReplicas: Math.max(floor, autoscaling.maxReplicas),
      targetCpuPercent: autoscaling.targetCpuPercent,
    },
  };
}

export function planColours(input: ColourPlanInput): Record<Colour, ColourPlan> {
  const idle = otherColour(input.live);
  // Only the colour we flipped away from is warm: a config that swaps `live` back and forth
  // without a recorded flip must not keep both colours at full size forever.
  const warm =
    input.previousColour === idle && isWarm(input.flippedAt, input.scaleDownDelaySeconds, input.now);
  const plans = {
    [input.live]: serving("live", input.replicas[input.live], input.autoscaling),
    [idle]: warm
      ? serving("warm", input.replicas[idle], input.autoscaling)
      : { role: "idle", replicas: input.idleReplicas },
  };
  return plans as Record<Colour, ColourPlan>;
}

/** PodDisruptionBudget: the serving colours never drop below what the agents need to keep them live. */
export function disruptionBudget(
  plan: ColourPlan,
  minHealthy: number,
): { minAvailable: number } | { maxUnavailable: number } {
  return plan.role === "idle" ? { maxUnavailable: 1 } : { minAvailable: Math.min(minHealthy, plan.replicas) };
}
