import type { ResourceValidationPolicy } from "@pulumi/policy";
import { configurable } from "../lib/config";
import { EKS_CLUSTER } from "../lib/ec2";
import { WORLD } from "../lib/network";
import { at, record, strings } from "../lib/values";

const logging = configurable(
  { logTypes: ["api", "audit", "authenticator"] },
  { logTypes: "Control-plane log types that must be enabled." },
);

/** Kubernetes Secrets in etcd are envelope-encrypted with a KMS key, not only by the disk. */
export const eksSecretsEncryption: ResourceValidationPolicy = {
  name: "eks-secrets-encryption",
  description: "EKS clusters encrypt Kubernetes secrets with a KMS key.",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== EKS_CLUSTER) return;
    const config = record(args.props.encryptionConfig);
    if (!strings(config?.resources).includes("secrets") || !at(config, "provider", "keyArn")) {
      report('encryptionConfig must name a KMS key and include "secrets".');
    }
  },
};

/** Without the audit and authenticator logs nobody can say who changed what in the cluster. */
export const eksControlPlaneLogging: ResourceValidationPolicy = {
  name: "eks-control-plane-logging",
  description: "EKS clusters send the api, audit and authenticator control-plane logs to CloudWatch.",
  enforcementLevel: "mandatory",
  configSchema: logging.configSchema,
  validateResource: (args, report) => {
    if (args.type !== EKS_CLUSTER) return;
    const enabled = strings(args.props.enabledClusterLogTypes);
    const missing = logging.read(args).logTypes.filter((t) => !enabled.includes(t));
    if (missing.length > 0) report(`Control-plane log types not enabled: ${missing.join(", ")}.`);
  },
};

/** AWS opens a cluster's public endpoint to 0.0.0.0/0 unless told otherwise. */
export const eksEndpointRestricted: ResourceValidationPolicy = {
  name: "eks-endpoint-restricted",
  description: "An EKS public API endpoint is either off or limited to named CIDRs (never 0.0.0.0/0).",
  enforcementLevel: "mandatory",
  validateResource: (args, report) => {
    if (args.type !== EKS_CLUSTER) return;
    const vpc = record(args.props.vpcConfig);
    if (vpc?.endpointPublicAccess === false) return;
    const cidrs = strings(vpc?.publicAccessCidrs);
    // Unset publicAccessCidrs means AWS's default, 0.0.0.0/0.
    const open = cidrs.length === 0 ? ["0.0.0.0/0"] : cidrs.filter((c) => WORLD.includes(c));
    if (open.length > 0) report(`The public API endpoint is open to ${open.join(", ")}.`);
  },
};
