/**
 * How the EC2 hosts' Telegrafs reach the in-cluster InfluxDB: the shared host endpoint
 * (components/common/hostEndpoint.ts) on 8086, forwarding to a fixed NodePort of InfluxDB's host
 * Service on the node groups' instances.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHostEndpoint as createEndpoint, type HostEndpointPlacement } from "../common/hostEndpoint";
import { INFLUXDB_NODE_PORT, INFLUXDB_PORT } from "./layout";
import { labelsFor } from "./render/specs";

export interface HostEndpointArgs extends HostEndpointPlacement {
  namespace: pulumi.Input<string>;
}

export function createHostEndpoint(
  name: string,
  args: HostEndpointArgs,
  parent: pulumi.Resource,
): pulumi.Output<string> {
  // Returns the load balancer's DNS name (the hosts' URL and a name in InfluxDB's certificate).
  new k8s.core.v1.Service(
    `${name}-influxdb-hosts`,
    {
      metadata: { namespace: args.namespace, labels: labelsFor("influxdb") },
      spec: {
        type: "NodePort",
        selector: labelsFor("influxdb"),
        // Local: no second hop between nodes, and the NLB's health check finds the one node with the pod.
        externalTrafficPolicy: "Local",
        ports: [
          {
            name: "http",
            port: INFLUXDB_PORT,
            targetPort: "http",
            nodePort: INFLUXDB_NODE_PORT,
            protocol: "TCP",
          },
        ],
      },
    },
    { parent },
  );
  const dnsName = createEndpoint(
    {
      prefix: name,
      lb: `${name}-metrics`,
      lbDescription: "Internal metrics load balancer: host Telegrafs to InfluxDB",
      keys: { nodes: "influxdb-from-metrics-lb", writers: "metrics-to-influxdb" },
      describe: {
        fromWriter: (role) => `InfluxDB writes from the ${role} hosts' Telegraf`,
        toNodes: "InfluxDB's NodePort on the Kubernetes nodes",
        nodes: "InfluxDB writes through the internal metrics load balancer",
        writers: "Telegraf writes to InfluxDB through the internal metrics load balancer",
      },
    },
    [
      {
        id: "influxdb",
        port: INFLUXDB_PORT,
        nodePort: INFLUXDB_NODE_PORT,
        // InfluxDB answers HTTPS only; the NLB's HTTPS check does not verify the certificate.
        healthCheck: { protocol: "HTTPS", path: "/ping", matcher: "204", port: "traffic-port" },
      },
    ],
    args,
    parent,
  );
  return dnsName;
}
