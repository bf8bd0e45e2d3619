import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { defaultTags } from "../common/provider";
import type { KubernetesConfig } from "../config/areas/kubernetes";
import { createAddons } from "./addons/addons";
import { planAddons } from "./addons/plan";
import { createNamespaces } from "./baseline/baseline";
import type { PlatformNamespace } from "./baseline/render";
import { createStorageClasses } from "./baseline/storage";
import { createControlPlane } from "./cluster/controlPlane";
import { renderKubeconfig } from "./cluster/kubeconfig";
import { createRules } from "../common/sgRules";
import { clusterRuleSpecs, planClusterRules, ruleGroupName } from "./network/rules";
import { createNodeGroups } from "./nodes/nodeGroups";

export interface ClusterArgs {
  config: KubernetesConfig;
  region: string;
  availabilityZones: string[];
  vpcId: pulumi.Input<string>;
  /** Control-plane network interfaces and every node group go into the private tier. */
  privateSubnetIds: pulumi.Input<string>[];
  /** Role groups from SecurityGroups: `nodes` is ours to fill; the others are peers. */
  securityGroupIds: Record<"nodes" | "haproxy" | "etcd" | "databases", pulumi.Input<string>>;
  /** Client ports of the databases the pods may reach (see `databaseClientPorts`). */
  databasePorts: number[];
  /** Container ports of the blue-green apps, opened to HAProxy (members are pod IPs, docs/registrar.md). */
  appPorts: number[];
  /** Owner tag for what EKS launches (nodes, their volumes), which the provider's default tags miss. */
  owner: string;
}

/**
 * An EKS cluster built from AWS primitives (every child visible to tests and policies), with its
 * managed node groups and add-ons, a Kubernetes provider for it, and the platform baseline.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Base64 PEM of the cluster CA. */
  readonly certificateAuthority: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  readonly oidcIssuerUrl: pulumi.Output<string>;
  /** Secret: a kubeconfig that authenticates with `aws eks get-token`. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Use for every Kubernetes resource of this cluster. */
  readonly provider: k8s.Provider;
  readonly namespaces: Record<PlatformNamespace, pulumi.Output<string>>;
  readonly nodeSecurityGroupId: pulumi.Output<string>;
  /** Auto Scaling groups behind the managed node groups (load-balancer target attachments). */
  readonly nodeGroupAsgNames: pulumi.Output<string[]>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:kubernetes:Cluster", name, {}, opts);
    const cfg = args.config;
    const clusterName = `${name}-${pulumi.getStack()}`;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const controlPlane = createControlPlane(
      name,
      { clusterName, config: cfg, vpcId: args.vpcId, subnetIds: args.privateSubnetIds, partition },
      this,
    );
    const cluster = controlPlane.cluster;

    const groupIds = { ...args.securityGroupIds, controlPlane: controlPlane.securityGroup.id };
    const planned = planClusterRules({
      haproxyPorts: cfg.haproxyPorts,
      appPorts: args.appPorts,
      webhookPorts: cfg.webhookPorts,
      databasePorts: args.databasePorts,
      apiAccessCidrs: cfg.apiAccessCidrs,
      nodeEgress: cfg.nodeEgress,
    });
    const rules = [...clusterRuleSpecs(name, planned, groupIds)].flatMap(([group, specs]) =>
      createRules(ruleGroupName(name, group), groupIds[group], specs, this),
    );

    const addons = planAddons({ availabilityZones: args.availabilityZones.length });
    const addonArgs = {
      clusterName: cluster.name,
      versions: cfg.addonVersions,
      oidcProviderArn: controlPlane.oidcProvider.arn,
      issuerUrl: controlPlane.issuerUrl,
      partition,
    };
    const beforeNodes = createAddons(
      name,
      { ...addonArgs, specs: addons.filter((a) => a.phase === "beforeNodes"), dependsOn: [cluster] },
      this,
    );
    const nodeGroups = createNodeGroups(
      name,
      {
        cluster,
        config: cfg,
        subnetIds: args.privateSubnetIds,
        nodeSecurityGroupId: args.securityGroupIds.nodes,
        launchedTags: defaultTags(pulumi.getStack(), args.owner),
        partition,
        // Nodes join only once they can reach the API and have pod networking.
        dependsOn: [...beforeNodes, ...rules],
      },
      this,
    );
    const afterNodes = createAddons(
      name,
      {
        ...addonArgs,
        specs: addons.filter((a) => a.phase === "afterNodes"),
        dependsOn: Object.values(nodeGroups),
      },
      this,
    );

    this.clusterName = cluster.name;
    this.endpoint = cluster.endpoint;
    this.certificateAuthority = cluster.certificateAuthority.apply((ca) => ca.data!);
    this.oidcProviderArn = controlPlane.oidcProvider.arn;
    this.oidcIssuerUrl = controlPlane.issuerUrl;
    this.nodeSecurityGroupId = pulumi.output(args.securityGroupIds.nodes);
    this.nodeGroupAsgNames = pulumi
      .all(Object.values(nodeGroups).map((g) => g.resources))
      .apply((all) =>
        all.flatMap((resources) =>
          (resources ?? []).flatMap((r) => (r.autoscalingGroups ?? []).map((a) => a.name)),
        ),
      );
    this.kubeconfig = pulumi.secret(
      pulumi
        .all([cluster.name, cluster.endpoint, this.certificateAuthority])
        .apply(([clusterName, endpoint, certificateAuthorityData]) =>
          renderKubeconfig({ clusterName, endpoint, certificateAuthorityData, region: args.region }),
        ),
    );
    this.provider = new k8s.Provider(
      name,
      { kubeconfig: this.kubeconfig },
      { parent: this, dependsOn: controlPlane.adminAccess },
    );

    this.namespaces = createNamespaces(name, cfg.namespaces, this.provider, this);
    createStorageClasses(name, this.provider, this, afterNodes);

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      certificateAuthority: this.certificateAuthority,
      oidcProviderArn: this.oidcProviderArn,
      oidcIssuerUrl: this.oidcIssuerUrl,
      kubeconfig: this.kubeconfig,
      namespaces: this.namespaces,
      nodeSecurityGroupId: this.nodeSecurityGroupId,
    });
  }
}
