/**
 * The `pulumi up` gate of a fleet swap. When `edge.liveFleet` changes, the listeners may only move
 * to the new fleet's target group once it has enough healthy targets; otherwise `pulumi up` fails
 * with the reason and the listeners keep pointing at the old fleet. The listeners read the target
 * group ARN from this resource, so the engine cannot update them before the gate has passed.
 */
import * as pulumi from "@pulumi/pulumi";
import { ModuleProviderResource } from "../common/dynamicProvider";

/** The gate's inputs as its provider (swapGateProvider.ts) receives them. */
export interface SwapGateInputs {
  colour: string;
  targetGroupArn: string;
  minHealthy: number;
  timeoutSeconds: number;
  region: string;
}

const PROVIDER = { path: require.resolve("./swapGateProvider"), exportName: "swapGateProvider" };

export interface FleetSwapGateArgs {
  colour: pulumi.Input<string>;
  targetGroupArn: pulumi.Input<string>;
  minHealthy: pulumi.Input<number>;
  timeoutSeconds: pulumi.Input<number>;
  region: pulumi.Input<string>;
}

export class FleetSwapGate extends ModuleProviderResource {
  declare readonly targetGroupArn: pulumi.Output<string>;
  declare readonly colour: pulumi.Output<string>;

  constructor(name: string, args: FleetSwapGateArgs, opts?: pulumi.CustomResourceOptions) {
    super(PROVIDER, { module: "switchyard-edge", type: "FleetSwapGate" }, name, { ...args }, opts);
  }
}
