import type * as pulumi from "@pulumi/pulumi";
import { STACK_EXPORT_KEYS, type StackExports } from "./exports";

/** This stack's exports as typed outputs. */
export type StackOutputs = { [K in keyof StackExports]: pulumi.Output<StackExports[K]> };

/**
 * Reads every export of a Switchyard stack through a StackReference with `requireOutput`, so a
 * missing one fails the consumer's preview with its name. Secrets stay secrets.
 */
export function requireStackExports(ref: pulumi.StackReference): StackOutputs {
  return Object.fromEntries(STACK_EXPORT_KEYS.map((key) => [key, ref.requireOutput(key)])) as StackOutputs;
}
