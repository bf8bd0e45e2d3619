import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
export const DEFAULT_STORAGE_CLASS = "gp3";

/**
 * gp3 through the EBS CSI driver as the default class: encrypted, created in the zone of the pod
 * that first uses it (WaitForFirstConsumer), expandable in place. The in-tree gp2 class that older
 * EKS versions mark as default is patched to not be, so a claim without a class never gets gp2.
 */
export function createStorageClasses(
  name: string,
  provider: k8s.Provider,
  parent: pulumi.Resource,
  dependsOn: pulumi.Resource[],
): k8s.storage.v1.StorageClass {
  const gp3 = new k8s.storage.v1.StorageClass(
    `${name}-gp3`,
    {
      metadata: { name: DEFAULT_STORAGE_CLASS, annotations: { [DEFAULT_CLASS_ANNOTATION]: "true" } },
      provisioner: "ebs.csi.aws.com",
      parameters: { type: "gp3", encrypted: "true", "csi.storage.k8s.io/fstype": "ext4" },
      volumeBindingMode: "WaitForFirstConsumer",
      allowVolumeExpansion: true,
      reclaimPolicy: "Delete",
    },
    { parent, provider, dependsOn },
  );
  new k8s.storage.v1.StorageClassPatch(
    `${name}-gp2-not-default`,
    {
      metadata: {
        name: "gp2",
        // gp2 is created by EKS, not by us: force our one field past its field manager.
        annotations: { [DEFAULT_CLASS_ANNOTATION]: "false", "pulumi.com/patchForce": "true" },
      },
      // Same provisioner EKS uses, so the patch also applies cleanly where gp2 does not exist yet.
      provisioner: "kubernetes.io/aws-ebs",
    },
    { parent, provider },
  );
  return gp3;
}
