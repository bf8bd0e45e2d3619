import * as pulumi from "@pulumi/pulumi";
import { STACK_EXPORTS, type ExportKey, type StackExports } from "./exports";

type Pending = {
  [K in ExportKey]: (typeof STACK_EXPORTS)[K]["status"] extends "pending" ? K : never;
}[ExportKey];

/** This stack's exports as typed outputs; pending ones may be undefined until their component lands. */
export type StackOutputs = { [K in Exclude<ExportKey, Pending>]: pulumi.Output<StackExports[K]> } & {
  [K in Pending]: pulumi.Output<StackExports[K] | undefined>;
};

/**
 * Reads every export of a Switchyard stack through a StackReference: exported keys with
 * `requireOutput` (a missing one fails the consumer's preview with its name), pending ones with
 * `getOutput`. Secrets stay secrets.
 */
export function requireStackExports(ref: pulumi.StackReference): StackOutputs {
  const entries = (Object.keys(STACK_EXPORTS) as ExportKey[]).map((key) => [
    key,
    STACK_EXPORTS[key].status === "pending" ? ref.getOutput(key) : ref.requireOutput(key),
  ]);
  return Object.fromEntries(entries) as StackOutputs;
}
