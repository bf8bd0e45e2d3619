/**
 * How apps in Kubernetes reach the databases: Services without a selector, each with an
 * EndpointSlice listing the members' fixed interface addresses, and one Secret per database.
 *
 * Why not ExternalName: it can name only one host (no `mysql-replicas` over several members),
 * it is a CNAME that TLS clients then verify against the wrong name, and it offers no ClusterIP.
 * The addresses are those of the members' network interfaces, which outlive instance
 * replacements, so the slices change only when a member is added or the primary moves.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface DatabaseServiceArgs {
  namespace: pulumi.Input<string>;
  /** Service name, e.g. mysql-primary. */
  service: string;
  port: number;
  portName: string;
  addresses: pulumi.Input<string>[];
}

/** The names a pod may use for a Service; server certificates carry all of them. */
export function serviceDnsNames(service: string, namespace: pulumi.Input<string>): pulumi.Input<string>[] {
  return [
    service,
    pulumi.interpolate`${service}.${namespace}`,
    pulumi.interpolate`${service}.${namespace}.svc`,
    pulumi.interpolate`${service}.${namespace}.svc.cluster.local`,
  ];
}

export function createDatabaseService(
  name: string,
  args: DatabaseServiceArgs,
  parent: pulumi.Resource,
): k8s.core.v1.Service {
  const labels = { "app.kubernetes.io/name": args.service, "app.kubernetes.io/managed-by": "switchyard" };
  const service = new k8s.core.v1.Service(
    `${name}-${args.service}`,
    {
      metadata: { name: args.service, namespace: args.namespace, labels },
      spec: {
        type: "ClusterIP",
        ports: [{ name: args.portName, port: args.port, targetPort: args.port, protocol: "TCP" }],
      },
    },
    { parent },
  );
  new k8s.discovery.v1.EndpointSlice(
    `${name}-${args.service}`,
    {
      metadata: {
        name: args.service,
        namespace: args.namespace,
        labels: {
          ...labels,
          "kubernetes.io/service-name": args.service,
          "endpointslice.kubernetes.io/managed-by": "switchyard",
        },
      },
      addressType: "IPv4",
      endpoints: args.addresses.map((address) => ({ addresses: [address], conditions: { ready: true } })),
      ports: [{ name: args.portName, port: args.port, protocol: "TCP" }],
    },
    { parent, dependsOn: [service] },
  );
  return service;
}

/** The Secret apps mount: host, port, database, username, password, url, ca.crt. */
export function createAppSecret(
  name: string,
  args: { namespace: pulumi.Input<string>; secret: string; data: Record<string, pulumi.Input<string>> },
  parent: pulumi.Resource,
): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    `${name}-${args.secret}`,
    {
      metadata: {
        name: args.secret,
        namespace: args.namespace,
        labels: { "app.kubernetes.io/name": args.secret, "app.kubernetes.io/managed-by": "switchyard" },
      },
      type: "Opaque",
      stringData: args.data,
    },
    { parent },
  );
}
