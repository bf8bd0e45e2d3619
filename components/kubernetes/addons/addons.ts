import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AddonName } from "../../config/areas/kubernetes";
import { createServiceAccountRole } from "../controlPlane/serviceAccountRole";
import type { AddonSpec } from "./plan";

export interface AddonsArgs {
  clusterName: pulumi.Input<string>;
  specs: AddonSpec[];
  versions: Partial<Record<AddonName, string>>;
  oidcProviderArn: pulumi.Input<string>;
  issuerUrl: pulumi.Input<string>;
  partition: pulumi.Input<string>;
  dependsOn: pulumi.Resource[];
}

/** Installs the given add-ons, each with its own service-account role where its spec asks for one. */
export function createAddons(name: string, args: AddonsArgs, parent: pulumi.Resource): aws.eks.Addon[] {
  return args.specs.map((spec) => {
    const role =
      spec.serviceAccount &&
      createServiceAccountRole(
        `${name}-${spec.name}`,
        {
          oidcProviderArn: args.oidcProviderArn,
          issuerUrl: args.issuerUrl,
          namespace: spec.serviceAccount.namespace,
          serviceAccount: spec.serviceAccount.name,
          managedPolicies: spec.serviceAccount.managedPolicies,
          partition: args.partition,
        },
        parent,
      );
    return new aws.eks.Addon(
      `${name}-${spec.name}`,
      {
        clusterName: args.clusterName,
        addonName: spec.name,
        // Unpinned: the default version for the cluster's Kubernetes version at creation time.
        addonVersion: args.versions[spec.name],
        serviceAccountRoleArn: role?.arn,
        configurationValues: spec.configurationValues && JSON.stringify(spec.configurationValues),
        // The add-on's settings are declared here; edits made in the cluster are overwritten.
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
      },
      { parent, dependsOn: args.dependsOn },
    );
  });
}
