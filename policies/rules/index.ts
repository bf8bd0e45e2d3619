/**
 * Every policy of the pack, in the order reports list them. Kept apart from ../index.ts, which
 * starts the policy server, so the offline plan and the tests can load the rules alone.
 */
import type { EnforcementLevel, Policies } from "@pulumi/policy";
import { dataVolumesProtected } from "./dataVolumesProtected";
import { ebsEncrypted } from "./ebsEncrypted";
import { ec2Imdsv2 } from "./ec2Imdsv2";
import { edgeTlsInProduction } from "./edgeTls";
import { eksControlPlaneLogging, eksEndpointRestricted, eksSecretsEncryption } from "./eks";
import { k8sConfigMapNoSecrets } from "./k8sConfigMapNoSecrets";
import { k8sContainerResources } from "./k8sContainerResources";
import { k8sFitsNodes } from "./k8sFitsNodes";
import { k8sFitsQuotas } from "./k8sFitsQuotas";
import { k8sImagePinned } from "./k8sImagePinned";
import { k8sNoHostPorts } from "./k8sNoHostPorts";
import { k8sServingProbes } from "./k8sServingProbes";
import { launchedResourcesTagged } from "./launchedResourcesTagged";
import { publicSubnets } from "./publicSubnets";
import { requiredTags } from "./requiredTags";
import { s3BlockPublicAccess } from "./s3BlockPublicAccess";
import { s3Encrypted } from "./s3Encrypted";
import { sgNoPublicSsh } from "./sgNoPublicSsh";
import { sgPublicIngress } from "./sgPublicIngress";
import { userDataNoSecrets } from "./userDataNoSecrets";

export const PACK_NAME = "switchyard-guardrails";
/** Level of a policy that declares none and that pack config does not set. */
export const PACK_ENFORCEMENT_LEVEL: EnforcementLevel = "mandatory";

export const policies: Policies = [
  k8sContainerResources,
  k8sServingProbes,
  k8sImagePinned,
  k8sNoHostPorts,
  k8sConfigMapNoSecrets,
  k8sFitsNodes,
  k8sFitsQuotas,
  ec2Imdsv2,
  ebsEncrypted,
  userDataNoSecrets,
  sgPublicIngress,
  sgNoPublicSsh,
  publicSubnets,
  edgeTlsInProduction,
  dataVolumesProtected,
  requiredTags,
  launchedResourcesTagged,
  eksSecretsEncryption,
  eksControlPlaneLogging,
  eksEndpointRestricted,
  s3BlockPublicAccess,
  s3Encrypted,
];
