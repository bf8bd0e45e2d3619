/**
 * The fleet swap gate's dynamic provider (see swapGate.ts). It runs in the engine's
 * dynamic-provider process, loaded there by path relative to the project directory
 * (components/common/dynamicProvider.ts), with the deployer's AWS credentials; never under mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { SwapGateInputs } from "./swapGate";

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

async function waitHealthy(inputs: SwapGateInputs): Promise<void> {
  const client = new ElasticLoadBalancingV2Client({ region: inputs.region });
  const deadline = Date.now() + inputs.timeoutSeconds * 1000;
  for (;;) {
    const res = await client.send(new DescribeTargetHealthCommand({ TargetGroupArn: inputs.targetGroupArn }));
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
