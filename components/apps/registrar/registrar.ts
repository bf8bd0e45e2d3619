/**
 * switchyard:apps:MemberRegistrar — runs switchyard-registrar in the cluster: it writes the member
 * records (`/switchyard/v1/members/<app>/<colour>/<id>`) that the HAProxy agents serve each colour
 * from, out of the EndpointSlices of the per-colour Services that BlueGreenService labels
 * `switchyard.io/routed=true`, in whichever stack the app is declared (docs/registrar.md).
 *
 * Lives in the platform namespace; may only read EndpointSlices, and only in the apps namespace and
 * the platform namespaces whose single-colour Services are routed (a Role and RoleBinding in each).
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EtcdConnectionArgs } from "../types";
import type { RegistrarBundle } from "./bundle";
import { BUNDLE_KEY, DEFAULT_IMAGE, registrarDeploymentSpec, registrarLabels, registrarRules } from "./spec";

export interface MemberRegistrarArgs {
  /** Namespace the registrar runs in (the platform namespace). */
  namespace: pulumi.Input<string>;
  /** Namespace of the apps' Services. */
  appsNamespace: pulumi.Input<string>;
  /**
   * Namespaces of routed platform Services (PlatformRoute), keyed by a stable name that names the
   * Role and RoleBinding there (e.g. `{ monitoring: namespaces.monitoring }`).
   */
  platformNamespaces?: Record<string, pulumi.Input<string>>;
  /**
   * Apps it manages even before any labelled Service of theirs is seen (`--apps`): their stale
   * members are deleted from the start. Optional: apps with labelled Services are discovered.
   */
  apps?: string[];
  /** etcd endpoints and the mTLS client material, all three required (PEM; pass them as secrets). */
  etcd: EtcdConnectionArgs;
  bundle: RegistrarBundle;
  /** A pinned Node.js >= 20 image; default DEFAULT_IMAGE. */
  image?: string;
  /** Default 2 (see registrarDeploymentSpec). */
  replicas?: number;
}

export class MemberRegistrar extends pulumi.ComponentResource {
  readonly deployment: k8s.apps.v1.Deployment;
  readonly serviceAccountName: pulumi.Output<string>;

  constructor(name: string, args: MemberRegistrarArgs, opts?: pulumi.ComponentResourceOptions) {
    super("switchyard:apps:MemberRegistrar", name, {}, opts);
    const { ca, cert, key } = args.etcd;
    // etcd requires client certificates (client-cert-auth), so without them the pods could only fail.
    if (!ca || !cert || !key) throw new Error(`MemberRegistrar ${name}: etcd ca, cert and key are required`);
    const labels = registrarLabels(name);
    const meta = { namespace: args.namespace, labels };

    const account = new k8s.core.v1.ServiceAccount(name, { metadata: meta }, { parent: this });
    // Read access where it reads and nowhere else: no ClusterRole.
    const readSlices = (resourceName: string, namespace: pulumi.Input<string>) => {
      const role = new k8s.rbac.v1.Role(
        resourceName,
        { metadata: { namespace, labels }, rules: registrarRules() },
        { parent: this },
      );
      new k8s.rbac.v1.RoleBinding(
        resourceName,
        {
          metadata: { namespace, labels },
          roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
          subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace: args.namespace }],
        },
        { parent: this },
      );
    };
    readSlices(name, args.appsNamespace);
    const platform = Object.entries(args.platformNamespaces ?? {}).sort(([a], [b]) => a.localeCompare(b));
    for (const [key, namespace] of platform) readSlices(`${name}-${key}`, namespace);
    const etcdSecret = new k8s.core.v1.Secret(
      `${name}-etcd`,
      {
        metadata: meta,
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi.all([ca, cert, key]).apply(([ca, cert, key]) => ({
            "ca.crt": ca,
            "tls.crt": cert,
            "tls.key": key,
          })),
        ),
      },
      { parent: this },
    );
    // Auto-named: a new bundle is a new ConfigMap, so running pods keep theirs until they roll.
    const bundle = new k8s.core.v1.ConfigMap(
      `${name}-bundle`,
      { metadata: meta, immutable: true, binaryData: { [BUNDLE_KEY]: args.bundle.gzipBase64 } },
      { parent: this },
    );
    const replicas = args.replicas ?? 2;
    this.deployment = new k8s.apps.v1.Deployment(
      name,
      {
        metadata: meta,
        spec: pulumi
          .all([
            account.metadata.name,
            args.appsNamespace,
            pulumi.all(platform.map(([, namespace]) => namespace)),
            args.etcd.endpoints,
            bundle.metadata.name,
            etcdSecret.metadata.name,
          ])
          .apply(
            ([
              serviceAccountName,
              appsNamespace,
              platformNamespaces,
              etcdEndpoints,
              bundleConfigMap,
              secretName,
            ]) =>
              registrarDeploymentSpec({
                name,
                image: args.image ?? DEFAULT_IMAGE,
                replicas,
                serviceAccountName,
                apps: [...(args.apps ?? [])].sort(),
                appsNamespace,
                platformNamespaces,
                etcdEndpoints,
                bundleConfigMap,
                bundleSha256: args.bundle.sha256,
                etcdSecret: secretName,
              }),
          ),
      },
      { parent: this },
    );
    new k8s.policy.v1.PodDisruptionBudget(
      name,
      { metadata: meta, spec: { selector: { matchLabels: labels }, maxUnavailable: 1 } },
      { parent: this },
    );
    this.serviceAccountName = account.metadata.name;
    this.registerOutputs({
      deployment: this.deployment.metadata.name,
      serviceAccountName: this.serviceAccountName,
      bundleSha256: args.bundle.sha256,
    });
  }
}
