/**
 * The graylog-configurator bundle as the Job receives it: built by hosts/build.mjs (the same
 * script as the agent's and the registrar's, so the file the tests run is the file the pod runs)
 * and small enough (no dependencies) to ship as plain text in a ConfigMap.
 */
import { createHash } from "node:crypto";
import { hostBundleFiles } from "../../common/hostBundles";

export const CONFIGURATOR_BUNDLE = "dist/graylog-configurator/graylog-configurator.js";
export const CONFIGURATOR_BUNDLE_KEY = "graylog-configurator.js";

export interface ConfiguratorBundle {
  source: string;
  sha256: string;
}

export function buildConfiguratorBundle(root: string): ConfiguratorBundle {
  const source = hostBundleFiles(root).graylogConfigurator.toString("utf8");
  return { source, sha256: createHash("sha256").update(source).digest("hex") };
}
