/**
 * The `pulumi up` gate of a fleet swap. When `edge.liveFleet` changes, the listeners may only move
 * to the new fleet's target group once it has enough healthy targets; otherwise `pulumi up` fails
 * with the reason and the listeners keep pointing at the old fleet. The listeners read the target
 * group ARN from this resource, so the engine cannot update them before the gate has passed.
 */
import * as pulumi from "@pulumi/pulumi";

export interface TargetHealthVerdict {
  ok: boolean;
  healthy: number;
  /** Target count per ELB state (healthy, initial, unhealthy, unused, draining, ...). */
  states: Record<string, number>;
  reason: string;
}

/** Pure: the states DescribeTargetHealth reported, and whether they allow the swap. */
export function judgeTargetHealth(states: readonly string[], minHealthy: number): TargetHealthVerdict {
  const counts: Record<string, number> = {};
  for (const s of states) counts[s] = (counts[s] ?? 0) + 1;
  const healthy = counts.healthy ?? 0;
  const ok = healthy >= minHealthy;
  const seen = Object.entries(counts)
    .map(([s, n]) => `${n} ${s}`)
    .join(", ");
  return {
    ok,
    healthy,
    states: counts,
    reason: ok
      ? `${healthy} healthy targets (need ${minHealthy})`
      : `${healthy} healthy targets, need ${minHealthy} (${seen || "no targets registered"})`,
  };
}

export interface SwapGateInputs {
  colour: string;
  targetGroupArn: string;
  minHealthy: number;
  timeoutSeconds: number;
  region: string;
}

/** Runs inside the Pulumi engine with the deployer's AWS credentials; never under mocks. */
async function waitHealthy(inputs: SwapGateInputs): Promise<void> {
  // Loaded here, where it runs, so that the program (and every offline plan) does not load the SDK.
  type Elb = typeof import("@aws-sdk/client-elastic-load-balancing-v2");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const elb: Elb = require("@aws-sdk/client-elastic-load-balancing-v2");
  const client = new elb.ElasticLoadBalancingV2Client({ region: inputs.region });
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  for (;;) {
    const res = await client.send(
      new elb.DescribeTargetHealthCommand({ TargetGroupArn: inputs.targetGroupArn }),
    );
    const states = (res.TargetHealthDescriptions ?? []).map((d) => d.TargetHealth?.State ?? "unknown");
    const verdict = judgeTargetHealth(states, inputs.minHealthy);
    if (verdict.ok) return;
    if (Date.now() > deadline) {
      throw new Error(
        `refusing to make the ${inputs.colour} fleet live: ${verdict.reason} after ${inputs.timeoutSeconds}s; ` +
          `the listeners still point at the previous fleet (docs/edge.md, "Swapping fleets")`,
      );
    }
    await new Promise((r) => setTimeout(r, 10_000));
  }
}

export const swapGateProvider: pulumi.dynamic.ResourceProvider = {
  // A new stack has nothing live to protect, and the live target group is not attached to a
  // listener yet (so its targets cannot be healthy): the first create passes.
  async create(inputs: SwapGateInputs) {
    return { id: `swap-gate-${inputs.colour}`, outs: inputs };
  },
  async diff(_id: string, olds: SwapGateInputs, news: SwapGateInputs) {
    const changes = olds.targetGroupArn !== news.targetGroupArn || olds.colour !== news.colour;
    return { changes };
  },
  async update(_id: string, _olds: SwapGateInputs, news: SwapGateInputs) {
    await waitHealthy(news);
    return { outs: news };
  },
};

export interface FleetSwapGateArgs {
  colour: pulumi.Input<string>;
  targetGroupArn: pulumi.Input<string>;
  minHealthy: pulumi.Input<number>;
  timeoutSeconds: pulumi.Input<number>;
  region: pulumi.Input<string>;
}

export class FleetSwapGate extends pulumi.dynamic.Resource {
  declare readonly targetGroupArn: pulumi.Output<string>;
  declare readonly colour: pulumi.Output<string>;

  constructor(name: string, args: FleetSwapGateArgs, opts?: pulumi.CustomResourceOptions) {
    super(swapGateProvider, name, { ...args }, opts, "switchyard-edge", "FleetSwapGate");
  }
}
