import * as pulumi from "@pulumi/pulumi";
import { parseConfig } from "./parse";
import type { SwitchyardConfig } from "./schema";

export { ConfigError, parseConfig } from "./parse";
export type { SwitchyardConfig } from "./schema";
export type { AppConfig } from "./areas/apps";

/** Reads and validates this stack's configuration; throws before any resource is declared. */
export function loadConfig(): SwitchyardConfig {
  return parseConfig(pulumi.runtime.allConfig());
}
