/**
 * The graylog-configurator bundle as the Job receives it: built by hosts/build.mjs (the same
 * script as the agent's and the registrar's, so the file the tests run is the file the pod runs)
 * and small enough (no dependencies) to ship as plain text in a ConfigMap.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const CONFIGURATOR_BUNDLE = "dist/graylog-configurator/graylog-configurator.js";
export const CONFIGURATOR_BUNDLE_KEY = "graylog-configurator.js";

export interface ConfiguratorBundle {
  source: string;
  sha256: string;
}

export function buildConfiguratorBundle(root: string): ConfiguratorBundle {
  execFileSync(process.execPath, [join(root, "hosts/build.mjs"), "graylog-configurator"], {
    cwd: root,
    stdio: ["ignore", "ignore", "inherit"],
  });
  const source = readFileSync(join(root, CONFIGURATOR_BUNDLE), "utf8");
  return { source, sha256: createHash("sha256").update(source).digest("hex") };
}
