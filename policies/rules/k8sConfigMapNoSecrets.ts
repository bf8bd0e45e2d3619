import type { ResourceValidationPolicy } from "@pulumi/policy";
import { secretsIn } from "../lib/userData";
import { record, text } from "../lib/values";

const CONFIG_MAP = "kubernetes:core/v1:ConfigMap";

/** Program code shipped in a ConfigMap (bundles) is scanned for key material, not for assignments. */
const isCode = (key: string) => /\.(?:js|mjs|cjs)$/.test(key);

/**
 * A ConfigMap is readable by anyone who may read the namespace's configuration and is kept
 * unencrypted: passwords, tokens and keys go in Secrets (mounted or referenced by env).
 */
export const k8sConfigMapNoSecrets: ResourceValidationPolicy = {
  name: "k8s-configmap-no-secrets",
  description:
    "Kubernetes ConfigMaps contain no key material, passwords or Pulumi secrets; those go in Secrets.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== CONFIG_MAP) return;
    for (const [key, value] of Object.entries(record(args.props.data) ?? {})) {
      // Not yet known in a preview: checked once it is.
      const content = text(value);
      if (content === undefined) continue;
      const found = secretsIn(content).filter((f) => !isCode(key) || !f.startsWith("a literal value"));
      if (found.length > 0) report(`data["${key}"] contains ${found.join(", ")}.`);
    }
  },
};
