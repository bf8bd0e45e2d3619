/**
 * The CrossGuard entry point: `pulumi preview --policy-pack ./policies`. Constructing the pack
 * starts the analyzer server, so nothing else imports this file; see ./rules for the policies.
 */
import { PolicyPack } from "@pulumi/policy";
import { PACK_ENFORCEMENT_LEVEL, PACK_NAME, policies } from "./rules";

new PolicyPack(PACK_NAME, { policies, enforcementLevel: PACK_ENFORCEMENT_LEVEL });
