import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./parse";
import type { SwitchyardConfig } from "./schema";

export { ConfigError, parseConfig, type ParseOptions } from "./parse";
export type { ConfigProblem } from "./crossChecks";
export type { SwitchyardConfig } from "./schema";
export { appHostNames, type AppConfig } from "./areas/apps";

let examplePlaceholders: "error" | "warn" = "error";

/**
 * For the offline plan only (scripts/plan.ts calls it in its own process before loading the
 * program): the example stacks' placeholders are reported as warnings instead of refused. A real
 * `pulumi up` never runs this, so production with a placeholder left in fails there.
 */
export function acceptExamplePlaceholders(): void {
  examplePlaceholders = "warn";
}

/** Reads and validates this stack's configuration; throws before any resource is declared. */
export function loadConfig(): SwitchyardConfig {
  return parseConfig(pulumi.runtime.allConfig(), { placeholders: examplePlaceholders });
}
